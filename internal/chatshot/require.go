package chatshot

import (
	"context"
	"os"
	"testing"

	"github.com/scamguard/scamguard/ocr"
)

// RequireOCR returns an OCR engine for a test, or skips it when Tesseract
// with its Chinese data or a CJK font is missing; in CI (where .ci/run
// installs them) it fails instead.
func RequireOCR(t testing.TB) *ocr.Engine {
	t.Helper()
	engine := ocr.New(ocr.Config{})
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
