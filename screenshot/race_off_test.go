//go:build !race

package screenshot

// raceDetector: see race_on_test.go.
const raceDetector = false
