// Preloaded into Tollgate's server by `npm run bench -- --profile --profile-alloc` (node --import):
// V8's sampling heap profiler, counting every sampled allocation — also those the collector has freed
// since, which is what a request's garbage is (node --heap-prof keeps only what is still alive). It
// starts on SIGUSR2, when the load begins, and writes its profile to $BENCH_ALLOC_DIR when the
// process exits (Tollgate leaves through process.exit on SIGTERM; the inspector answers at once).
import { writeFileSync } from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_ALLOC_DIR;
const session = new inspector.Session();
session.connect();
let sampling = false;

process.on("SIGUSR2", () => {
  if (sampling) return;
  sampling = true;
  session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
});

process.on("exit", () => {
  if (!sampling || !dir) return;
  session.post("HeapProfiler.stopSampling", (err, result) => {
    if (!err) writeFileSync(path.join(dir, `${process.pid}.heapprofile`), JSON.stringify(result.profile));
  });
});
