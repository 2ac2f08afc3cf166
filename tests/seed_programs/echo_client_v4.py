# Echo client program (the socket module documentation's example, in Python 3 syntax)
import famsock as socket

HOST = 'localhost'        # The remote host (the seed's 'daring.cwi.nl' is not on this machine)
PORT = 50007              # The same port as used by the server
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((HOST, PORT))
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
