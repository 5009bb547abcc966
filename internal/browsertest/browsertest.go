// Package browsertest starts headless Chromium for the tests that must run
// in a real browser (the moderators' console). Without Chromium a test
// skips locally and fails in CI (CI set), where .ci/run installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
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
