// Waiting on socket.io-client events, shared by the Node test files here.

// The next `event` on `socket` whose data passes `predicate`, or a rejection after `ms`.
export function once(socket, event, predicate = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    const handler = (data) => {
      if (predicate(data)) {
        clearTimeout(timer);
        socket.off(event, handler);
        resolve(data);
      }
    };
    socket.on(event, handler);
  });
}

// `socket`, once it is connected.
export async function connected(socket) {
  if (!socket.connected) {
    await once(socket, "connect");
  }
  return socket;
}
