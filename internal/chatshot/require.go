package chatshot

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/scamguard/scamguard/ocr"
)

// testTimeout bounds one Tesseract run in tests. The product's 30 s
// (ocr.DefaultTimeout) is its own test's (a stuck fake tesseract); a test
// reading real screenshots measures the reading, and on a loaded 2-core
// machine, with other packages' tests reading theirs, a run has taken
// longer than 30 s.
const testTimeout = 2 * time.Minute

// RequireOCR returns an OCR engine for a test, or skips it when Tesseract
// with its Chinese data or a CJK font is missing; in CI (where .ci/run
// installs them) it fails instead.
func RequireOCR(t testing.TB) *ocr.Engine {
	t.Helper()
	engine := ocr.New(ocr.Config{Timeout: testTimeout})
	err := engine.Check(context.Background())
	if err == nil {
		_, err = Font()
	}
	if err != nil {
		msg := "needs Tesseract and a CJK font (apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra fonts-wqy-microhei): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return engine
}
