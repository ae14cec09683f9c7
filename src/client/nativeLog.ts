// TensorFlow's own log lines on the training process's stderr: information and warnings it
// prints while it loads (oneDNN, CPU features, absl's start-up notice), whatever the caller
// asked for. TF_CPP_MIN_LOG_LEVEL hides most of them, but not those printed before the library
// reads it; TF_ENABLE_ONEDNN_OPTS=0 would hide the oneDNN notice but makes the training step
// slower (docs/PERFORMANCE.md, "Speed"). So they are recognised here and left out where people read: the
// terminal (unless --verbose) and the last lines quoted when the process dies.

/**
 * absl's format (TensorFlow 2.16 and later), `I1128 17:25:40.557400  2061 port.cc:153] ...`, or
 * before absl's clock is set up `I0000 00:00:1795886740.557400  2061 port.cc:153] ...`.
 */
const ABSL_LINE = /^[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [^\s\]]+:\d+\] /;
/** The older format (the official libtensorflow 2.9): `2026-11-28 10:00:00.123456: I tensorflow/...cc:193] ...`. */
const TSL_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IW] [^\s\]]+:\d+\] /;
/**
 * Lines printed on their own: absl's notice before logging is set up, the second line of the
 * CPU-feature notice, and TensorFlow 2.21's oneDNN notice about uint8 on CPUs without AVX-512,
 * which it logs as an error (E) though it only says which kernel it takes instead.
 */
const NOTICES = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^To enable the following instructions: /,
  /^E\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ util\.cc:\d+\] oneDNN supports DT_UINT8 only on platforms with AVX-512\. Falling back to the default Eigen-based implementation if present\.$/,
];

/** Whether a line is TensorFlow's information or warning (never an error: those are kept). */
export function isNativeLogNoise(line: string): boolean {
  return ABSL_LINE.test(line) || TSL_LINE.test(line) || NOTICES.some((n) => n.test(line));
}
