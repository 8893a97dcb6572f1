// Starts fauxqs (the SQS stand-in) on 127.0.0.1 only.
//
// usage: node fauxqs-launch.mjs PORT
//
// startFauxqs always asks to listen on 0.0.0.0 and offers no option for the listen address, so every
// TCP listen in this process is pinned to the loopback address before fauxqs is loaded.
import net from "node:net";

const Loopback = "127.0.0.1";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error("usage: node fauxqs-launch.mjs PORT   (PORT: 1-65535)");
  process.exit(2);
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (first !== null && typeof first === "object" && "port" in first) {
    args[0] = { ...first, host: Loopback };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof second === "string") {
      args[1] = Loopback;
    } else {
      args.splice(1, 0, Loopback);
    }
  }
  return listen.apply(this, args);
};

const { startFauxqs } = await import("fauxqs");
const server = await startFauxqs({ port, logger: false, defaultRegion: "us-east-1" });
console.log(`fauxqs listening on ${server.address}`);

let stopping = false;
async function stop() {
  if (stopping) {
    return;
  }
  stopping = true;
  await server.stop();
  process.exit(0);
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
