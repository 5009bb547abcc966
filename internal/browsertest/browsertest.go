// Package browsertest starts headless Chromium for the tests that must run
// in a real browser (the moderators' console). Without Chromium a test
// skips locally and fails in CI (CI set), where .ci/run installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// New starts a headless Chromium with a fresh profile and returns a
// chromedp context for it, bounded to a minute and closed when the test
// ends.
func New(t testing.TB) context.Context {
	t.Helper()
	path := chromium(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()))...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	browser, cancelTimeout := context.WithTimeout(browser, time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return browser
}

// chromium finds the browser, or skips (fails in CI).
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "Chromium is needed for this browser test (apt-get install chromium)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// ScreenshotDirEnv names a folder that receives a copy of every screenshot
// the browser tests take, so that a person can look at them; the tests'
// own copies go to their temp folders and vanish with them.
const ScreenshotDirEnv = "SCAMGUARD_SCREENSHOT_DIR"

// Screenshot captures what the browser's window shows as a PNG and saves it
// as name.png in the test's temp folder and in $SCAMGUARD_SCREENSHOT_DIR
// when set. It returns the PNG.
func Screenshot(t testing.TB, browser context.Context, name string) []byte {
	t.Helper()
	shot, err := chromedp.Run(browser, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	dirs := []string{t.TempDir()}
	if dir := os.Getenv(ScreenshotDirEnv); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return shot
}
