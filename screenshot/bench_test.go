package screenshot

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/scamguard/scamguard/internal/chatshot"
)

// BenchmarkReadScreenshot reads 1080×2400 screenshots of the set one at a
// time (the latency a user sees when the machine is otherwise idle) and
// reports the median and 95th percentile seconds per screenshot.
func BenchmarkReadScreenshot(b *testing.B) {
	reader := New(requireOCR(b))
	var images [][]byte
	for _, c := range chatshot.Set() {
		for _, shot := range c.Shots {
			data, err := chatshot.JPEG(shot, 88)
			if err != nil {
				b.Fatal(err)
			}
			images = append(images, data)
		}
	}
	var seconds []float64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := reader.ReadPage(context.Background(), images[i%len(images)]); err != nil {
			b.Fatal(err)
		}
		seconds = append(seconds, time.Since(start).Seconds())
	}
	slices.Sort(seconds)
	b.ReportMetric(seconds[len(seconds)/2], "p50-s")
	b.ReportMetric(seconds[min(len(seconds)-1, len(seconds)*95/100)], "p95-s")
}
