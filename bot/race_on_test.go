//go:build race

package bot_test

// raceDetector: the race detector slows the bot about tenfold, so timing-
// dependent figures (the due-set's polling, claims that come too early)
// get looser bounds under it.
const raceDetector = true
