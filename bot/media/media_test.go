package media

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/screenshot"
)

// fakeTesseract is a tesseract that reads nothing and notes, in dir,
// whether another run was under way when it started.
const fakeTesseract = `#!/bin/sh
if ! mkdir "$DIR/running" 2>/dev/null; then touch "$DIR/overlapped"; fi
sleep 0.2
rmdir "$DIR/running" 2>/dev/null
printf 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n'
`

func TestPagesReadsAtMostConcurrencyAtOnce(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 40))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name        string
		concurrency int
		overlap     bool
	}{{"one at a time", 1, false}, {"four at once", 4, true}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			command := filepath.Join(dir, "tesseract")
			script := strings.ReplaceAll(fakeTesseract, "$DIR", dir)
			if err := os.WriteFile(command, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			// The engine alone would run all four (one language set each).
			engine := ocr.New(ocr.Config{Command: command, Languages: "eng", Concurrency: 8})
			pages := NewPages(screenshot.New(engine), tt.concurrency)
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := pages.Read(context.Background(), buf.Bytes()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			_, err := os.Stat(filepath.Join(dir, "overlapped"))
			if overlapped := err == nil; overlapped != tt.overlap {
				t.Errorf("reads overlapped: %v, want %v", overlapped, tt.overlap)
			}
		})
	}
}

type ctxKey struct{}

// A picture's reading outlives the handler's deadline but keeps its
// values, and has a bound of its own.
func TestContextReplacesTheHandlersDeadline(t *testing.T) {
	handler, cancel := context.WithTimeout(context.WithValue(context.Background(), ctxKey{}, "update 7"), time.Nanosecond)
	defer cancel()
	<-handler.Done()
	ctx, cancelMedia := Context(handler, time.Hour)
	defer cancelMedia()
	if err := ctx.Err(); err != nil {
		t.Fatalf("the reading's context ended with the handler's: %v", err)
	}
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) < 59*time.Minute {
		t.Errorf("deadline %v (%v), want an hour from now", deadline, ok)
	}
	if got := ctx.Value(ctxKey{}); got != "update 7" {
		t.Errorf("value %v, want the handler's", got)
	}
}
