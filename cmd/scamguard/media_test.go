package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/internal/chatshot"
	"github.com/scamguard/scamguard/transcribe"
	"github.com/scamguard/scamguard/transcribe/transcribetest"
)

// requireOCR skips without Tesseract or a CJK font (fails in CI).
func requireOCR(t *testing.T) {
	t.Helper()
	chatshot.RequireOCR(t)
}

// writeShot draws the founding scam's second half as a JPEG screenshot
// (a name ending .txt: check goes by content) and returns its path.
func writeShot(t *testing.T, style chatshot.Style, dark bool) string {
	t.Helper()
	messages := chatshot.RefundScam.Messages[2:]
	data, err := chatshot.JPEG(chatshot.Shot{Style: style, Dark: dark, Title: chatshot.RefundScam.Title, Lang: "zh", Messages: messages}, 88)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("%s.txt", style))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckScreenshot(t *testing.T) {
	requireOCR(t)
	path := writeShot(t, chatshot.WeChat, false)
	code, out, errOut := runCLI(t, "", "check", "--show-turns", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	turns, reply, _ := strings.Cut(out, "\n\n")
	lines := strings.Split(turns, "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "user: ") || !strings.HasPrefix(lines[1], "other: ") || !strings.Contains(lines[4], "礼品卡") {
		t.Errorf("--show-turns printed:\n%s", turns)
	}
	if !strings.HasPrefix(reply, "我从截图里读到 6 条消息：对方 5 条，你 1 条。") {
		t.Errorf("the reply does not say what it read:\n%s", reply)
	}
	if !strings.Contains(reply, "礼品卡") {
		t.Errorf("the reply does not quote the read words:\n%s", reply)
	}

	code, out, errOut = runCLI(t, "", "check", "--json", "--no-llm", path)
	var got struct{ Verdict string }
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Verdict != "scam" {
		t.Errorf("--json: exit %d, %s %s", code, out, errOut)
	}
}

func TestCheckBatchImageLines(t *testing.T) {
	requireOCR(t)
	dark := writeShot(t, chatshot.WhatsApp, true)
	input := fmt.Sprintf(`{"id":1,"image":%q}
{"id":2,"messages":[{"from":"other","text":"您好，请问有什么可以帮您？"}]}
{"id":3,"images":[%q]}
`, dark, writeShot(t, chatshot.IMessage, false))
	code, out, errOut := runCLI(t, input, "check", "--batch", "--no-llm")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"scam", "none", "scam"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines out:\n%s", len(lines), out)
	}
	for i, line := range lines {
		var got struct {
			ID      int
			Verdict string
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil || got.ID != i+1 || got.Verdict != want[i] {
			t.Errorf("line %d = %s, want id %d verdict %s", i+1, line, i+1, want[i])
		}
	}
	code, _, errOut = runCLI(t, `{"id":9,"image":"/nonexistent/shot.png"}`, "check", "--batch", "--no-llm")
	if code != 2 || !strings.Contains(errOut, "line 1") {
		t.Errorf("missing image: exit %d, %q", code, errOut)
	}
}

// Without Tesseract, an image gets one clear line and exit 2, not a crash.
func TestCheckImageWithoutOCR(t *testing.T) {
	if _, err := chatshot.Font(); err != nil {
		t.Skip(err)
	}
	path := writeShot(t, chatshot.SMS, false)
	t.Setenv("PATH", t.TempDir())
	code, out, errOut := runCLI(t, "", "check", "--no-llm", path)
	if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "OCR is not installed") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestCheckImageErrors(t *testing.T) {
	dir := t.TempDir()
	gif := filepath.Join(dir, "a.gif")
	// Two frames: an animated GIF.
	data := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	if err := os.WriteFile(gif, data, 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.png")
	if err := os.WriteFile(broken, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	requireOCR(t)
	for path, want := range map[string]string{gif: "animated", broken: "damaged"} {
		code, _, errOut := runCLI(t, "", "check", "--no-llm", path)
		if code != 2 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: exit %d, %q", filepath.Base(path), code, errOut)
		}
	}
}

func TestCheckAudio(t *testing.T) {
	ogg := []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00OpusHead a call retold")
	path := filepath.Join(t.TempDir(), "call.ogg")
	if err := os.WriteFile(path, ogg, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{transcribe.EnvURL, transcribe.EnvKey, transcribe.EnvModel, "OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		t.Setenv(k, "")
	}
	code, _, errOut := runCLI(t, "", "check", "--no-llm", path)
	if code != 2 || !strings.Contains(errOut, "send a screenshot or type what they said") {
		t.Errorf("no endpoint: exit %d, %q", code, errOut)
	}

	server := transcribetest.New(t)
	server.Script(ogg, "刚才有人打电话说是淘宝客服，让我买礼品卡把卡密发给他")
	t.Setenv(transcribe.EnvURL, server.URL())
	code, out, errOut := runCLI(t, "", "check", "--no-llm", "--show-turns", path)
	if code != 0 || !strings.HasPrefix(out, "user: 刚才有人打电话说是淘宝客服") {
		t.Errorf("exit %d, %q %q", code, out, errOut)
	}
	if reqs := server.Requests(); len(reqs) != 1 || reqs[0].Filename != "call.ogg" || reqs[0].Model != transcribe.DefaultModel {
		t.Errorf("requests: %+v", reqs)
	}
}
