//go:build race

package screenshot

// raceDetector: the race detector slows the pixel loops about tenfold, so
// the JPEG tests encode at one quality under it (the logic is the same at
// every quality; the full set runs without -race).
const raceDetector = true
