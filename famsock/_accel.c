/* famsock._accel: the optional C fast paths of famsock.socket's hot address methods.
 *
 * Why: a UDP round trip leaves ~0.2 us for famsock's work, and the Python frames of the
 * overridden methods alone cost more (docs/performance.md). famsock._socket_object installs
 * these as the class's __init__, sendto, recvfrom, connect and accept, at a process's first
 * address call; they take the shortcuts the Python methods take, read from the same slots
 * (the socket's, and its backend's by offset):
 *
 *   - native backends: the direct type, the last (typed, native) pair matched by identity, the
 *     results memo (and its last hit); the syscall is the interpreter's own C method;
 *   - raw backends: sendto()'s and connect()'s last (typed, sockaddr bytes) pairs and the decode
 *     memo; one sendto(), recvfrom(), connect() or accept4() attempt here with the GIL released,
 *     on a socket without a timeout (connect: any). A failed attempt's errno goes to
 *     famsock._raw_calls, whose Python code goes on as after its own attempt (famsock._blocking:
 *     modes, EINTR, the fd read anew), so the semantics and audit events stay the Python path's.
 *
 * Everything else calls the pure-Python method, or the backend's Python call, with the same
 * arguments: one slow path, whose errors are the C methods' own. Only CPython's public C API,
 * plus the struct of member descriptors (PyMemberDescrObject) to find the slots' offsets.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h> /* first: it defines _GNU_SOURCE (accept4) */
#include <structmember.h>

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#ifndef Py_T_OBJECT_EX
#define Py_T_OBJECT_EX T_OBJECT_EX
#endif

#define DATA_MAX 65536 /* as famsock._libc.DATA_SIZE: larger receives take the Python path */

typedef struct {
    /* famsock.socket: its slots, the pure methods, the interpreter's C methods */
    PyTypeObject *socket_type;
    Py_ssize_t backend, direct, recent, results;
    PyObject *py_sendto, *py_recvfrom, *py_connect, *py_accept; /* the pure methods */
    PyCFunction c_sendto, c_recvfrom; /* METH_VARARGS functions of _socket.socket */
    PyObject *c_connect, *c_accept, *std_init; /* _socket.socket's; socket.socket.__init__ */
    PyObject *unresolved, *unresolved_recent, *getdefaulttimeout;
    /* famsock._native_backend.NativeBackend, once imported: its slot of the last result */
    PyTypeObject *native_type;
    Py_ssize_t native_received;
    /* famsock._raw_backend.RawBackend, once imported: its slots and _raw_calls' retries */
    PyTypeObject *raw_type;
    Py_ssize_t raw_sent, raw_connected, raw_memo, raw_address;
    PyObject *sendto_failed, *recvfrom_failed, *connect_failed, *accept_failed;
    PyObject *str_timeout, *str_address, *str_sendto, *str_recvfrom, *str_fileno, *str_backend, *str_spec;
    PyObject *str_gettimeout, *str_setblocking, *str_close, *zero;
} State;

static State S;

static inline PyObject *
slot(PyObject *object, Py_ssize_t offset)
{
    return *(PyObject **)((char *)object + offset); /* borrowed; NULL when never set */
}

/* -- calls to the slow paths -------------------------------------------------------------- */

/* func(self, *args, **kwargs) for a vectorcall's arguments. */
static PyObject *
delegate(PyObject *func, PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *small[8];
    PyObject **stack = small;
    if (total + 1 > 8) {
        stack = PyMem_New(PyObject *, total + 1);
        if (stack == NULL) {
            return PyErr_NoMemory();
        }
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < total; i++) {
        stack[i + 1] = args[i];
    }
    PyObject *result = PyObject_Vectorcall(func, stack, nargs + 1, kwnames);
    if (stack != small) {
        PyMem_Free(stack);
    }
    return result;
}

/* The interpreter's C method (METH_VARARGS) on (self, a[, b[, c]]). */
static PyObject *
c_call(PyCFunction function, PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *tuple = PyTuple_New(nargs);
    if (tuple == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tuple, i, args[i]);
    }
    PyObject *result = function(self, tuple);
    Py_DECREF(tuple);
    return result;
}

/* backend.<name>(self, a, b, c) */
static PyObject *
backend_call(PyObject *backend, PyObject *name, PyObject *self, PyObject *a, PyObject *b, PyObject *c)
{
    PyObject *stack[5] = {backend, self, a, b, c};
    return PyObject_VectorcallMethod(name, stack, 5 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}

/* -- the socket's mode, as famsock._blocking reads it ------------------------------------- */

/* 1: no timeout (blocking or non-blocking), 0: a timeout, -1: an error. */
static int
without_timeout(PyObject *self)
{
    PyObject *timeout = PyObject_GetAttr(self, S.str_timeout);
    if (timeout == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(timeout);
    Py_DECREF(timeout);
    return truth < 0 ? -1 : !truth;
}

/* self.fileno(), read anew for every attempt: -1 once closed (the attempt then fails with EBADF,
 * as the Python path's); -1 with an exception set on an error. */
static int
fileno_of(PyObject *self)
{
    PyObject *stack[1] = {self};
    PyObject *number = PyObject_VectorcallMethod(S.str_fileno, stack, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    if (number == NULL) {
        return -1;
    }
    long fd = PyLong_AsLong(number);
    Py_DECREF(number);
    if (fd == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (fd < INT_MIN || fd > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "famsock: fileno() out of range");
        return -1;
    }
    return (int)fd;
}

/* ``flags is 0``: the Python fast paths' own test (CPython has one int 0). */
static inline int
no_flags(PyObject *flags)
{
    return flags == S.zero;
}

/* -- the raw path ------------------------------------------------------------------------- */

static PyObject *
raw_sendto(PyObject *self, PyObject *backend, PyObject *data, PyObject *flags, PyObject *address)
{
    PyObject *sent = slot(backend, S.raw_sent);
    if (sent == NULL || !PyList_CheckExact(sent) || PyList_GET_SIZE(sent) < 1) {
        goto slow;
    }
    PyObject *last = PyList_GET_ITEM(sent, 0);
    if (!PyTuple_CheckExact(last) || PyTuple_GET_SIZE(last) != 2 || PyTuple_GET_ITEM(last, 0) != address
        || !no_flags(flags) || !PyBytes_CheckExact(data) || PyBytes_GET_SIZE(data) > INT_MAX) {
        goto slow;
    }
    PyObject *destination = PyTuple_GET_ITEM(last, 1);
    if (!PyBytes_CheckExact(destination)) {
        goto slow;
    }
    int plain = without_timeout(self);
    if (plain <= 0) {
        if (plain < 0) {
            return NULL;
        }
        goto slow;
    }
    Py_INCREF(destination); /* another thread may replace the pair while the GIL is released */
    if (PySys_Audit("socket.sendto", "OO", self, address) < 0) {
        Py_DECREF(destination);
        return NULL;
    }
    int fd = fileno_of(self);
    if (fd == -1 && PyErr_Occurred()) {
        Py_DECREF(destination);
        return NULL;
    }
    ssize_t count;
    int code;
    Py_BEGIN_ALLOW_THREADS
    count = sendto(fd, PyBytes_AS_STRING(data), (size_t)PyBytes_GET_SIZE(data), 0,
                   (const struct sockaddr *)PyBytes_AS_STRING(destination),
                   (socklen_t)PyBytes_GET_SIZE(destination));
    code = errno;
    Py_END_ALLOW_THREADS
    PyObject *result;
    if (count >= 0) {
        result = PyLong_FromSsize_t(count);
    } else {
        PyObject *errno_value = PyLong_FromLong(code);
        PyObject *stack[5] = {self, data, flags, destination, errno_value};
        result = errno_value ? PyObject_Vectorcall(S.sendto_failed, stack, 5, NULL) : NULL;
        Py_XDECREF(errno_value);
    }
    Py_DECREF(destination);
    return result;
slow:
    return backend_call(backend, S.str_sendto, self, data, flags, address);
}

/* (data, typed address) from the decode memo, or the backend's address() on a miss. */
static PyObject *
raw_result(PyObject *backend, PyObject *data, PyObject *sockaddr)
{
    PyObject *memo = slot(backend, S.raw_memo);
    PyObject *typed = NULL;
    if (memo != NULL && PyDict_CheckExact(memo)) {
        typed = PyDict_GetItemWithError(memo, sockaddr);
        Py_XINCREF(typed);
        if (typed == NULL && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (typed == NULL) {
        PyObject *address = slot(backend, S.raw_address);
        if (address == NULL) {
            PyErr_SetString(PyExc_AttributeError, "address");
            return NULL;
        }
        typed = PyObject_CallOneArg(address, sockaddr);
        if (typed == NULL) {
            return NULL;
        }
    }
    PyObject *pair = PyTuple_New(2);
    if (pair == NULL) {
        Py_DECREF(typed);
        return NULL;
    }
    Py_INCREF(data);
    PyTuple_SET_ITEM(pair, 0, data);
    PyTuple_SET_ITEM(pair, 1, typed);
    return pair;
}

static PyObject *
raw_recvfrom(PyObject *self, PyObject *backend, PyObject *size, PyObject *flags)
{
    Py_ssize_t bufsize = PyLong_CheckExact(size) ? PyLong_AsSsize_t(size) : -1;
    if (bufsize < 0 || bufsize > DATA_MAX || !no_flags(flags)) {
        PyErr_Clear(); /* an OverflowError: the Python path gives the C method's own */
        goto slow;
    }
    int plain = without_timeout(self);
    if (plain <= 0) {
        if (plain < 0) {
            return NULL;
        }
        goto slow;
    }
    int fd = fileno_of(self);
    if (fd == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *data = PyBytes_FromStringAndSize(NULL, bufsize);
    if (data == NULL) {
        return NULL;
    }
    struct sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    ssize_t count;
    int code;
    Py_BEGIN_ALLOW_THREADS
    count = recvfrom(fd, PyBytes_AS_STRING(data), (size_t)bufsize, 0, (struct sockaddr *)&storage, &length);
    code = errno;
    Py_END_ALLOW_THREADS
    PyObject *sockaddr, *result;
    if (count < 0) {
        Py_DECREF(data);
        PyObject *errno_value = PyLong_FromLong(code);
        PyObject *stack[4] = {self, size, flags, errno_value};
        PyObject *pair = errno_value ? PyObject_Vectorcall(S.recvfrom_failed, stack, 4, NULL) : NULL;
        Py_XDECREF(errno_value);
        if (pair == NULL) {
            return NULL;
        }
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(pair);
            PyErr_SetString(PyExc_SystemError, "famsock: recvfrom_failed() must return a pair");
            return NULL;
        }
        result = raw_result(backend, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1));
        Py_DECREF(pair);
        return result;
    }
    /* no MSG_TRUNC: count <= bufsize, and the kernel wrote all of it */
    if (count != bufsize && _PyBytes_Resize(&data, count) < 0) {
        return NULL;
    }
    if (length > 0) {
        sockaddr = PyBytes_FromStringAndSize((const char *)&storage,
                                             length < sizeof(storage) ? (Py_ssize_t)length : sizeof(storage));
        if (sockaddr == NULL) {
            Py_DECREF(data);
            return NULL;
        }
    } else {
        sockaddr = Py_NewRef(Py_None);
    }
    result = raw_result(backend, data, sockaddr);
    Py_DECREF(sockaddr);
    Py_DECREF(data);
    return result;
slow: {
    PyObject *stack[4] = {backend, self, size, flags};
    return PyObject_VectorcallMethod(S.str_recvfrom, stack, 4 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}
}

/* -- the socket's methods ----------------------------------------------------------------- */

static PyObject *
sock_sendto(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames != NULL || nargs < 2 || nargs > 3) {
        goto slow;
    }
    PyObject *address = args[nargs - 1];
    PyObject *direct = slot(self, S.direct);
    PyObject *recent = slot(self, S.recent);
    if (direct == NULL || recent == NULL) {
        goto slow;
    }
    if ((PyObject *)Py_TYPE(address) == direct) {
        return c_call(S.c_sendto, self, args, nargs);
    }
    if (PyList_CheckExact(recent) && PyList_GET_SIZE(recent) >= 1) {
        PyObject *last = PyList_GET_ITEM(recent, 0);
        if (PyTuple_CheckExact(last) && PyTuple_GET_SIZE(last) == 2 && PyTuple_GET_ITEM(last, 0) == address) {
            PyObject *stack[3] = {args[0], args[1], PyTuple_GET_ITEM(last, 1)};
            stack[nargs - 1] = PyTuple_GET_ITEM(last, 1);
            return c_call(S.c_sendto, self, stack, nargs);
        }
    }
    PyObject *backend = slot(self, S.backend);
    if (backend != NULL && Py_TYPE(backend) == S.raw_type) {
        return raw_sendto(self, backend, args[0], nargs == 3 ? args[1] : S.zero, address);
    }
slow:
    return delegate(S.py_sendto, self, args, nargs, kwnames);
}

/* The native backend's last (native result, typed address) pair from its memo: a sender seen
 * again costs one comparison instead of hashing the stdlib's new tuple (~600 instructions).
 * Sets *typed (a new reference) when ``native`` equals the pair's; -1 on an error. */
static int
same_as_last(PyObject *received, PyObject *native, PyObject **typed)
{
    if (received == NULL || !PyList_CheckExact(received) || PyList_GET_SIZE(received) < 1) {
        return 0;
    }
    PyObject *last = PyList_GET_ITEM(received, 0);
    if (!PyTuple_CheckExact(last) || PyTuple_GET_SIZE(last) != 2) {
        return 0;
    }
    PyObject *known = PyTuple_GET_ITEM(last, 0), *value = PyTuple_GET_ITEM(last, 1);
    if (Py_TYPE(known) != Py_TYPE(native)) {
        return 0;
    }
    Py_INCREF(last); /* the comparison may run code that replaces it */
    int same = PyObject_RichCompareBool(native, known, Py_EQ);
    if (same > 0) {
        *typed = Py_NewRef(value);
    }
    Py_DECREF(last);
    return same < 0 ? -1 : 0;
}

/* received[0] = (native, typed): one atomic list store, as the Python code's pairs. */
static void
remember_last(PyObject *received, PyObject *native, PyObject *typed)
{
    if (received == NULL || !PyList_CheckExact(received) || PyList_GET_SIZE(received) < 1) {
        return;
    }
    PyObject *last = PyTuple_Pack(2, native, typed);
    if (last == NULL) {
        PyErr_Clear(); /* only a shortcut lost */
        return;
    }
    PyList_SetItem(received, 0, last); /* steals ``last`` */
}

static PyObject *
sock_recvfrom(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs > 2 && kwnames == NULL) {
        return c_call(S.c_recvfrom, self, args, nargs); /* its own error for the count */
    }
    if (kwnames != NULL || nargs < 1) {
        goto slow;
    }
    PyObject *results = slot(self, S.results);
    if (results == NULL) {
        goto slow;
    }
    PyObject *flags = nargs == 2 ? args[1] : NULL;
    if (results == Py_None) {
        PyObject *backend = slot(self, S.backend);
        if (backend != NULL && Py_TYPE(backend) == S.raw_type) {
            return raw_recvfrom(self, backend, args[0], flags == NULL ? S.zero : flags);
        }
        goto slow;
    }
    if (flags != NULL && !no_flags(flags)) {
        goto slow; /* MSG_TRUNC is the backend's to handle */
    }
    /* held: another thread may make the socket adopt another backend while the GIL is released */
    PyObject *backend = slot(self, S.backend);
    if (backend == NULL) {
        goto slow;
    }
    Py_INCREF(backend);
    Py_INCREF(results);
    PyObject *pair = c_call(S.c_recvfrom, self, args, nargs);
    if (pair == NULL || !PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyDict_CheckExact(results)) {
        Py_DECREF(backend);
        Py_DECREF(results);
        return pair;
    }
    PyObject *native = PyTuple_GET_ITEM(pair, 1);
    PyObject *typed = NULL;
    if (Py_TYPE(backend) == S.native_type) {
        int same = same_as_last(slot(backend, S.native_received), native, &typed);
        if (same < 0) {
            Py_DECREF(backend);
            Py_DECREF(results);
            Py_DECREF(pair);
            return NULL;
        }
    }
    if (typed == NULL) {
        typed = PyDict_GetItemWithError(results, native);
        Py_XINCREF(typed);
        if (typed != NULL && Py_TYPE(backend) == S.native_type) {
            remember_last(slot(backend, S.native_received), native, typed);
        }
    }
    Py_DECREF(results);
    if (typed == NULL) {
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError) && !PyErr_ExceptionMatches(PyExc_KeyError)) {
                Py_DECREF(backend);
                Py_DECREF(pair);
                return NULL;
            }
            PyErr_Clear(); /* an unhashable native form: the backend converts it */
        }
        PyObject *stack[3] = {backend, native, self};
        typed = PyObject_VectorcallMethod(S.str_address, stack, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (typed == NULL) {
            Py_DECREF(backend);
            Py_DECREF(pair);
            return NULL;
        }
    }
    Py_DECREF(backend);
    if (Py_REFCNT(pair) == 1) { /* the C method's new tuple, ours alone: reuse it */
        PyTuple_SET_ITEM(pair, 1, typed);
        Py_DECREF(native);
        return pair;
    }
    PyObject *data = PyTuple_GET_ITEM(pair, 0);
    PyObject *result = PyTuple_Pack(2, data, typed);
    Py_DECREF(typed);
    Py_DECREF(pair);
    return result;
slow:
    return delegate(S.py_recvfrom, self, args, nargs, kwnames);
}

/* -- a new socket, connect() and accept(): the TCP cycle ----------------------------------- */

static void
set_slot(PyObject *object, Py_ssize_t offset, PyObject *value)
{
    PyObject **place = (PyObject **)((char *)object + offset);
    PyObject *old = *place;
    *place = Py_NewRef(value);
    Py_XDECREF(old);
}

/* The sockaddr bytes of a raw backend's last (typed, sockaddr) pair when ``address`` is its typed
 * address (a new reference), else NULL. */
static PyObject *
last_sockaddr(PyObject *pairs, PyObject *address)
{
    if (pairs == NULL || !PyList_CheckExact(pairs) || PyList_GET_SIZE(pairs) < 1) {
        return NULL;
    }
    PyObject *last = PyList_GET_ITEM(pairs, 0);
    if (!PyTuple_CheckExact(last) || PyTuple_GET_SIZE(last) != 2 || PyTuple_GET_ITEM(last, 0) != address
        || !PyBytes_CheckExact(PyTuple_GET_ITEM(last, 1))) {
        return NULL;
    }
    return Py_NewRef(PyTuple_GET_ITEM(last, 1));
}

/* OSError(code, strerror(code)) raised: the subclass is OSError's choice, as in the Python code. */
static PyObject *
raise_errno(int code)
{
    PyObject *exc = PyObject_CallFunction(PyExc_OSError, "is", code, strerror(code));
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}

/* connect() through libc with the backend's encoded sockaddr: one attempt here (the stdlib's
 * internal_connect() makes its first without waiting too), the rest is _raw_calls'. */
static PyObject *
raw_connect(PyObject *self, PyObject *address, PyObject *destination)
{
    if (PySys_Audit("socket.connect", "OO", self, address) < 0) {
        return NULL;
    }
    int fd = fileno_of(self);
    if (fd == -1 && PyErr_Occurred()) {
        return NULL;
    }
    int done, code;
    Py_BEGIN_ALLOW_THREADS
    done = connect(fd, (const struct sockaddr *)PyBytes_AS_STRING(destination),
                   (socklen_t)PyBytes_GET_SIZE(destination));
    code = errno;
    Py_END_ALLOW_THREADS
    if (done == 0) {
        Py_RETURN_NONE;
    }
    PyObject *number = PyLong_FromLong(code);
    if (number == NULL) {
        return NULL;
    }
    PyObject *stack[2] = {self, number};
    PyObject *status = PyObject_Vectorcall(S.connect_failed, stack, 2, NULL);
    Py_DECREF(number);
    if (status == NULL) {
        return NULL;
    }
    long final = PyLong_AsLong(status);
    Py_DECREF(status);
    if (final == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (final != 0) {
        return raise_errno((int)final);
    }
    Py_RETURN_NONE;
}

/* (fd, sockaddr bytes or None) of a connection accepted through libc on a raw socket without a
 * timeout: one accept4() attempt here, the rest is _raw_calls'. */
static PyObject *
raw_accept(PyObject *self)
{
    int fd = fileno_of(self);
    if (fd == -1 && PyErr_Occurred()) {
        return NULL;
    }
    struct sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    int new_fd, code;
    Py_BEGIN_ALLOW_THREADS
    new_fd = accept4(fd, (struct sockaddr *)&storage, &length, SOCK_CLOEXEC);
    code = errno;
    Py_END_ALLOW_THREADS
    if (new_fd < 0) {
        PyObject *number = PyLong_FromLong(code);
        if (number == NULL) {
            return NULL;
        }
        PyObject *stack[2] = {self, number};
        PyObject *pair = PyObject_Vectorcall(S.accept_failed, stack, 2, NULL);
        Py_DECREF(number);
        return pair;
    }
    PyObject *sockaddr = length > 0 ? PyBytes_FromStringAndSize(
        (const char *)&storage, length < sizeof(storage) ? (Py_ssize_t)length : (Py_ssize_t)sizeof(storage))
                                    : Py_NewRef(Py_None);
    PyObject *pair = sockaddr == NULL ? NULL : Py_BuildValue("(iN)", new_fd, sockaddr);
    if (pair == NULL) {
        close(new_fd);
    }
    return pair;
}

/* famsock.socket.__init__: the stdlib's, then the slots of a socket whose backend is not chosen. */
static PyObject *
sock_init(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *done = delegate(S.std_init, self, args, nargs, kwnames);
    if (done == NULL) {
        return NULL;
    }
    set_slot(self, S.backend, Py_None);
    set_slot(self, S.direct, S.unresolved);
    set_slot(self, S.results, Py_None);
    set_slot(self, S.recent, S.unresolved_recent);
    return done;
}

/* The socket's backend (a new reference), chosen by its Python _backend() at the first call. */
static PyObject *
backend_of(PyObject *self)
{
    PyObject *backend = slot(self, S.backend);
    if (backend != NULL && backend != Py_None) {
        return Py_NewRef(backend);
    }
    PyObject *stack[1] = {self};
    return PyObject_VectorcallMethod(S.str_backend, stack, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}

static PyObject *
sock_connect(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames != NULL || nargs != 1) {
        goto slow;
    }
    PyObject *backend = backend_of(self);
    if (backend == NULL) {
        return NULL;
    }
    Py_DECREF(backend); /* the socket holds it */
    PyObject *direct = slot(self, S.direct);
    if (direct != NULL && (PyObject *)Py_TYPE(args[0]) == direct) {
        PyObject *stack[2] = {self, args[0]};
        return PyObject_Vectorcall(S.c_connect, stack, 2, NULL);
    }
    if (Py_TYPE(backend) == S.raw_type && S.raw_type != NULL) {
        PyObject *destination = last_sockaddr(slot(backend, S.raw_connected), args[0]);
        if (destination != NULL) {
            PyObject *result = raw_connect(self, args[0], destination);
            Py_DECREF(destination);
            return result;
        }
    }
slow:
    return delegate(S.py_connect, self, args, nargs, kwnames);
}

/* The typed address of an accepted peer: the memo, else the backend's address(peer, conn). */
static PyObject *
peer_address(PyObject *backend, PyObject *results, PyObject *peer, PyObject *conn)
{
    if (results != NULL && PyDict_CheckExact(results)) {
        PyObject *typed = PyDict_GetItemWithError(results, peer);
        if (typed != NULL) {
            return Py_NewRef(typed);
        }
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
                return NULL;
            }
            PyErr_Clear();
        }
    }
    PyObject *stack[3] = {backend, peer, conn};
    return PyObject_VectorcallMethod(S.str_address, stack, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
}

/* As the stdlib (issue #7995): a listener's timeout must not make the new socket non-blocking
 * when no default timeout is set. 0, or -1 on an error. */
static int
blocking_as_the_stdlib(PyObject *self, PyObject *conn)
{
    PyObject *default_timeout = PyObject_CallNoArgs(S.getdefaulttimeout);
    if (default_timeout == NULL) {
        return -1;
    }
    int none = default_timeout == Py_None;
    Py_DECREF(default_timeout);
    if (!none) {
        return 0;
    }
    PyObject *stack[2] = {self, Py_True};
    PyObject *timeout = PyObject_VectorcallMethod(S.str_gettimeout, stack, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    if (timeout == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(timeout);
    Py_DECREF(timeout);
    if (truth <= 0) {
        return truth;
    }
    stack[0] = conn;
    PyObject *done = PyObject_VectorcallMethod(S.str_setblocking, stack, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    Py_XDECREF(done);
    return done == NULL ? -1 : 0;
}

/* famsock.socket.accept() on a native backend: the C method, a new famsock socket adopting the
 * listener's backend, the peer's typed address. Other backends: the Python accept(). */
static PyObject *
sock_accept(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames != NULL || nargs != 0) {
        goto slow;
    }
    PyObject *backend = backend_of(self);
    if (backend == NULL) {
        return NULL;
    }
    int raw = Py_TYPE(backend) == S.raw_type && S.raw_type != NULL;
    if (!raw && (Py_TYPE(backend) != S.native_type || S.native_type == NULL)) {
        Py_DECREF(backend);
        goto slow;
    }
    if (raw) {
        int plain = without_timeout(self); /* a timeout socket waits first: _raw_calls' */
        if (plain <= 0) {
            Py_DECREF(backend);
            goto slow_if_no_error;
        }
    }
    PyObject *spec = PyObject_GetAttr(backend, S.str_spec);
    if (spec == NULL || !PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 3) {
        Py_DECREF(backend);
        Py_XDECREF(spec);
        goto slow_if_no_error;
    }
    PyObject *stack[5] = {self};
    PyObject *pair = raw ? raw_accept(self) : PyObject_Vectorcall(S.c_accept, stack, 1, NULL);
    if (pair == NULL || !PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
        if (pair != NULL) {
            PyErr_SetString(PyExc_SystemError, "famsock: accept did not return a pair");
            Py_DECREF(pair);
        }
        Py_DECREF(spec);
        Py_DECREF(backend);
        return NULL;
    }
    PyObject *fd = PyTuple_GET_ITEM(pair, 0), *peer = PyTuple_GET_ITEM(pair, 1);
    stack[0] = PyTuple_GET_ITEM(spec, 0);
    stack[1] = PyTuple_GET_ITEM(spec, 1);
    stack[2] = PyTuple_GET_ITEM(spec, 2);
    stack[3] = fd;
    PyObject *conn = PyObject_Vectorcall((PyObject *)S.socket_type, stack, 4, NULL);
    Py_DECREF(spec);
    if (conn == NULL) {
        int number = PyLong_AsLong(fd);
        if (number >= 0) {
            close(number); /* nobody else would ever close it */
        }
        Py_DECREF(pair);
        Py_DECREF(backend);
        return NULL;
    }
    set_slot(conn, S.backend, backend);
    set_slot(conn, S.direct, slot(self, S.direct));
    set_slot(conn, S.results, slot(self, S.results));
    set_slot(conn, S.recent, slot(self, S.recent));
    PyObject *address = peer_address(backend, raw ? slot(backend, S.raw_memo) : slot(self, S.results), peer, conn);
    Py_DECREF(backend);
    Py_DECREF(pair);
    if (address == NULL || blocking_as_the_stdlib(self, conn) < 0) {
        Py_XDECREF(address);
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        stack[0] = conn;
        PyObject *closed = PyObject_VectorcallMethod(S.str_close, stack, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        Py_XDECREF(closed);
        if (closed == NULL) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(traceback);
        } else {
            PyErr_Restore(type, value, traceback);
        }
        Py_DECREF(conn);
        return NULL;
    }
    PyObject *result = PyTuple_Pack(2, conn, address);
    Py_DECREF(conn);
    Py_DECREF(address);
    return result;
slow_if_no_error:
    if (PyErr_Occurred()) {
        return NULL;
    }
slow:
    return delegate(S.py_accept, self, args, nargs, kwnames);
}

static PyMethodDef init_def = {
    "__init__", (PyCFunction)(void (*)(void))sock_init, METH_FASTCALL | METH_KEYWORDS,
    "The stdlib socket's __init__, then famsock's per-socket fields (famsock._accel)."};
static PyMethodDef connect_def = {
    "connect", (PyCFunction)(void (*)(void))sock_connect, METH_FASTCALL | METH_KEYWORDS,
    "connect(address)\n\nfamsock's connect(), in C (famsock._accel)."};
static PyMethodDef accept_def = {
    "accept", (PyCFunction)(void (*)(void))sock_accept, METH_FASTCALL | METH_KEYWORDS,
    "accept() -> (socket, address)\n\nfamsock's accept(), in C (famsock._accel)."};

static PyMethodDef sendto_def = {
    "sendto", (PyCFunction)(void (*)(void))sock_sendto, METH_FASTCALL | METH_KEYWORDS,
    "sendto(data[, flags], address) -> count\n\nfamsock's sendto(), in C (famsock._accel)."};
static PyMethodDef recvfrom_def = {
    "recvfrom", (PyCFunction)(void (*)(void))sock_recvfrom, METH_FASTCALL | METH_KEYWORDS,
    "recvfrom(bufsize[, flags]) -> (data, address)\n\nfamsock's recvfrom(), in C (famsock._accel)."};

/* -- installation ------------------------------------------------------------------------- */

/* The offset of an object slot (a __slots__ member) of ``type``. */
static int
slot_offset(PyTypeObject *type, const char *name, Py_ssize_t *offset)
{
    PyObject *descriptor = PyObject_GetAttrString((PyObject *)type, name);
    if (descriptor == NULL) {
        return -1;
    }
    int ok = Py_IS_TYPE(descriptor, &PyMemberDescr_Type)
             && ((PyMemberDescrObject *)descriptor)->d_member->type == Py_T_OBJECT_EX
             && !(((PyMemberDescrObject *)descriptor)->d_member->flags & READONLY);
    if (ok) {
        *offset = ((PyMemberDescrObject *)descriptor)->d_member->offset;
    }
    Py_DECREF(descriptor);
    if (!ok) {
        PyErr_Format(PyExc_TypeError, "famsock._accel: %s.%s is not an object slot", type->tp_name, name);
        return -1;
    }
    return 0;
}

/* The C function of a METH_VARARGS method descriptor (the interpreter's _socket.socket). */
static int
varargs_function(PyObject *descriptor, PyCFunction *function)
{
    if (!Py_IS_TYPE(descriptor, &PyMethodDescr_Type)
        || (((PyMethodDescrObject *)descriptor)->d_method->ml_flags & ~METH_COEXIST) != METH_VARARGS) {
        PyErr_SetString(PyExc_TypeError, "famsock._accel: not a METH_VARARGS method of _socket.socket");
        return -1;
    }
    *function = ((PyMethodDescrObject *)descriptor)->d_method->ml_meth;
    return 0;
}

PyDoc_STRVAR(install_socket_doc,
"install_socket(cls, parts)\n\n"
"Make cls's __init__, sendto, recvfrom, connect and accept the C methods. parts: the pure\n"
"methods (py_sendto, py_recvfrom, py_connect, py_accept: their slow path), _socket.socket's\n"
"(c_sendto, c_recvfrom, c_connect, c_accept), std_init (socket.socket.__init__),\n"
"unresolved and unresolved_recent (a new socket's slots), getdefaulttimeout.");

static PyObject *
part(PyObject *parts, const char *name)
{
    PyObject *value = PyDict_GetItemString(parts, name);
    if (value == NULL) {
        PyErr_Format(PyExc_KeyError, "install_socket(): no %s", name);
        return NULL;
    }
    return Py_NewRef(value);
}

/* Whether an install_*(cls[, parts]) call has work to do: 1 yes; 0 no, it was made for this
 * class already (two threads' first address calls: once is enough); -1 with an exception set
 * for arguments that are not a class (and a dict of parts) or another class than before. */
static int
to_install(PyTypeObject *done, PyObject *const *args, Py_ssize_t nargs, int with_parts, const char *what)
{
    if (nargs != 1 + with_parts || !PyType_Check(args[0]) || (with_parts && !PyDict_Check(args[1]))) {
        PyErr_Format(PyExc_TypeError, "%s: a class%s", what, with_parts ? " and a dict" : "");
        return -1;
    }
    if (done == NULL) {
        return 1;
    }
    if ((PyObject *)done == args[0]) {
        return 0;
    }
    PyErr_Format(PyExc_RuntimeError, "%s: installed for another class", what);
    return -1;
}

static PyObject *
install_socket(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    int todo = to_install(S.socket_type, args, nargs, 1, "install_socket(cls, parts)");
    if (todo <= 0) {
        return todo < 0 ? NULL : Py_NewRef(Py_None);
    }
    PyTypeObject *type = (PyTypeObject *)args[0];
    PyObject *parts = args[1];
    PyObject *c_sendto = PyDict_GetItemString(parts, "c_sendto");
    PyObject *c_recvfrom = PyDict_GetItemString(parts, "c_recvfrom");
    if (c_sendto == NULL || c_recvfrom == NULL) {
        PyErr_SetString(PyExc_KeyError, "install_socket(): no c_sendto or c_recvfrom");
        return NULL;
    }
    if (slot_offset(type, "_famsock_backend", &S.backend) < 0
        || slot_offset(type, "_famsock_direct", &S.direct) < 0
        || slot_offset(type, "_famsock_recent", &S.recent) < 0
        || slot_offset(type, "_famsock_results", &S.results) < 0
        || varargs_function(c_sendto, &S.c_sendto) < 0
        || varargs_function(c_recvfrom, &S.c_recvfrom) < 0
        || !(S.py_sendto = part(parts, "py_sendto")) || !(S.py_recvfrom = part(parts, "py_recvfrom"))
        || !(S.py_connect = part(parts, "py_connect")) || !(S.py_accept = part(parts, "py_accept"))
        || !(S.c_connect = part(parts, "c_connect")) || !(S.c_accept = part(parts, "c_accept"))
        || !(S.std_init = part(parts, "std_init")) || !(S.unresolved = part(parts, "unresolved"))
        || !(S.unresolved_recent = part(parts, "unresolved_recent"))
        || !(S.getdefaulttimeout = part(parts, "getdefaulttimeout"))) {
        return NULL;
    }
    PyMethodDef *defs[] = {&init_def, &sendto_def, &recvfrom_def, &connect_def, &accept_def};
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
        PyObject *method = PyDescr_NewMethod(type, defs[i]);
        if (method == NULL || PyObject_SetAttrString((PyObject *)type, defs[i]->ml_name, method) < 0) {
            Py_XDECREF(method);
            return NULL;
        }
        Py_DECREF(method);
    }
    S.socket_type = (PyTypeObject *)Py_NewRef(args[0]);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(install_raw_doc,
"install_raw(RawBackend, parts)\n\n"
"Give raw backends' sockets the C fast paths: RawBackend's slots sent, connected, memo and\n"
"address are read by offset. parts: famsock._raw_calls' continuations of a failed attempt,\n"
"sendto_failed(sock, data, flags, sockaddr, errno), recvfrom_failed(sock, bufsize, flags,\n"
"errno), connect_failed(sock, errno) and accept_failed(sock, errno).");

static PyObject *
install_raw(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    int todo = to_install(S.raw_type, args, nargs, 1, "install_raw(cls, parts)");
    if (todo <= 0) {
        return todo < 0 ? NULL : Py_NewRef(Py_None);
    }
    PyTypeObject *type = (PyTypeObject *)args[0];
    PyObject *parts = args[1];
    if (slot_offset(type, "sent", &S.raw_sent) < 0 || slot_offset(type, "connected", &S.raw_connected) < 0
        || slot_offset(type, "memo", &S.raw_memo) < 0 || slot_offset(type, "address", &S.raw_address) < 0
        || !(S.sendto_failed = part(parts, "sendto_failed"))
        || !(S.recvfrom_failed = part(parts, "recvfrom_failed"))
        || !(S.connect_failed = part(parts, "connect_failed"))
        || !(S.accept_failed = part(parts, "accept_failed"))) {
        return NULL;
    }
    S.raw_type = (PyTypeObject *)Py_NewRef(args[0]);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(install_native_doc,
"install_native(NativeBackend)\n\n"
"recvfrom() on native backends' sockets keeps the last (result, typed address) pair of the memo\n"
"in NativeBackend's slot received (a list of one pair), read by offset.");

static PyObject *
install_native(PyObject *module, PyObject *type)
{
    int todo = to_install(S.native_type, &type, 1, 0, "install_native(cls)");
    if (todo <= 0) {
        return todo < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (slot_offset((PyTypeObject *)type, "received", &S.native_received) < 0) {
        return NULL;
    }
    S.native_type = (PyTypeObject *)Py_NewRef(type);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"install_native", install_native, METH_O, install_native_doc},
    {"install_socket", (PyCFunction)(void (*)(void))install_socket, METH_FASTCALL, install_socket_doc},
    {"install_raw", (PyCFunction)(void (*)(void))install_raw, METH_FASTCALL, install_raw_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "famsock._accel",
    "famsock's optional C fast paths for sendto() and recvfrom() (see famsock._socket_object).", -1,
    module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__accel(void)
{
    S.str_timeout = PyUnicode_InternFromString("timeout");
    S.str_address = PyUnicode_InternFromString("address");
    S.str_sendto = PyUnicode_InternFromString("sendto");
    S.str_recvfrom = PyUnicode_InternFromString("recvfrom");
    S.str_fileno = PyUnicode_InternFromString("fileno");
    S.str_backend = PyUnicode_InternFromString("_backend");
    S.str_spec = PyUnicode_InternFromString("spec");
    S.str_gettimeout = PyUnicode_InternFromString("gettimeout");
    S.str_setblocking = PyUnicode_InternFromString("setblocking");
    S.str_close = PyUnicode_InternFromString("close");
    if (!S.str_backend || !S.str_spec || !S.str_gettimeout || !S.str_setblocking || !S.str_close) {
        return NULL;
    }
    S.zero = PyLong_FromLong(0);
    if (!S.zero || !S.str_fileno || !S.str_timeout || !S.str_address || !S.str_sendto || !S.str_recvfrom) {
        return NULL;
    }
    return PyModule_Create(&module_def);
}
