// Minimal RTP relay with Bun.udpSocket
// usage: relay-bun-udp.ts <aBase> <n> <sinkPort> <bBase>
const [aBase, n, sinkPort, bBase] = process.argv.slice(2).map(Number);
for (let i = 0; i < n; i++) {
  const b = await Bun.udpSocket({ hostname: "127.0.0.1", port: bBase + i });
  await Bun.udpSocket({
    hostname: "127.0.0.1", port: aBase + i,
    socket: { data(_s, buf) { b.send(buf, sinkPort, "127.0.0.1"); } },
  });
}
console.log("ready", `bun ${Bun.version} Bun.udpSocket`, n, "streams");
export {};
