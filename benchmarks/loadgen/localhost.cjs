// Preloaded into a server we do not control (scrumblr listens on every interface): every
// `listen(port)` without a host binds to 127.0.0.1 instead.
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = typeof args[0] === "number" || /^\d+$/.test(String(args[0]));
  if (port && (args.length === 1 || typeof args[1] === "function")) {
    args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
