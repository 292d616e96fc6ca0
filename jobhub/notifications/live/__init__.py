"""Live delivery of notifications over socket.io: pushes after commit, open sockets."""
