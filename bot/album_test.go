package bot_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/internal/chatshot"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/screenshot"
)

// refundPages draws the founding scam as screenshots of a scrolled WeChat
// chat, each page repeating the two messages the one before ended with.
func refundPages(t *testing.T, bounds ...[2]int) [][]byte {
	t.Helper()
	var pages [][]byte
	for _, b := range bounds {
		data, err := chatshot.PNG(chatshot.Shot{Style: chatshot.WeChat, Title: "淘宝理赔中心", Lang: "zh",
			Messages: chatshot.RefundScam.Messages[b[0]:b[1]]})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, data)
	}
	return pages
}

// pushAlbum serves pages as files and pushes them as one album.
func (h *harness) pushAlbum(chat int64, album string, pages [][]byte) {
	var updates []models.Update
	for i, data := range pages {
		id := album + "-" + strconv.Itoa(i)
		h.api.AddFile(id, data)
		updates = append(updates, telegramtest.ImageFile(chat, chat, id, "image/png", len(data)))
	}
	h.api.Push(telegramtest.Album(album, updates...)...)
}

func TestAlbumIsOneConversationWithOneReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const chat = 5301
	// Three pages of eight messages, two repeated at each scroll.
	h.pushAlbum(chat, "album-5301", refundPages(t, [2]int{0, 4}, [2]int{2, 6}, [2]int{4, 8}))

	h.waitRead(chat, 1)
	sent := h.settle(chat)
	if len(sent) != 1 {
		t.Fatalf("the album got %d answers, want one: %q", len(sent), texts(sent))
	}
	answer := sent[0].Params["text"]
	if want := "我从截图里读到 8 条消息：对方 7 条，你 1 条。"; !strings.HasPrefix(answer, want) {
		t.Errorf("the answer starts %q, want %q", firstLine(answer), want)
	}
	contains(t, h.fullText(chat, sent[0]), "诈骗", "礼品卡")
	if n := len(h.api.Calls("download")); n != 3 {
		t.Errorf("%d downloads, want 3 (getFile and the file URL per page)", n)
	}
	if len(h.api.Calls("sendChatAction")) < 1 {
		t.Error("no typing shown while reading")
	}
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != 8 {
		t.Errorf("the conversation holds %d messages, want the 8 read once each", len(conv.Window))
	}

	// The reading lives in Redis, under the chat's hash tag, with a TTL;
	// the answer took its counts and kept the last page (redacted).
	key := "sg:{c:" + strconv.Itoa(chat) + "}:shots"
	ttl, err := h.store.Client().PTTL(context.Background(), key).Result()
	if err != nil || ttl <= 0 || ttl > 10*time.Minute {
		t.Errorf("%s TTL %v (%v), want at most 10 minutes", key, ttl, err)
	}
	fields, err := h.store.Client().HGetAll(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if fields["images"] != "" || !strings.Contains(fields["last"], "礼品卡") {
		t.Errorf("after the answer the reading holds %v, want no counts and the last page", fields)
	}
}

// A bot restarted between two screenshots of one scrolled chat (or a
// second replica taking the second) still drops the overlap: the last
// page is in Redis, not in the process.
func TestScrolledScreenshotsAcrossARestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const chat = 5302
	pages := refundPages(t, [2]int{0, 5}, [2]int{3, 8})
	h.pushAlbum(chat, "first-5302", pages[:1])
	h.waitRead(chat, 1)
	first := h.sent(chat)[0].Params["text"]
	if want := "我从截图里读到 5 条消息：对方 4 条，你 1 条。"; !strings.HasPrefix(first, want) {
		t.Errorf("first answer starts %q, want %q", firstLine(first), want)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}

	h.start()
	h.pushAlbum(chat, "second-5302", pages[1:])
	h.waitRead(chat, 2)
	sent := h.settle(chat)
	if len(sent) != 2 {
		t.Fatalf("got %d answers, want one per screenshot: %q", len(sent), texts(sent))
	}
	if want := "我从截图里读到 3 条消息：对方 3 条，你 0 条。"; !strings.HasPrefix(sent[1].Params["text"], want) {
		t.Errorf("after the restart the answer starts %q, want %q (the two repeated messages dropped)", firstLine(sent[1].Params["text"]), want)
	}
	conv, err := h.store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != 8 {
		t.Errorf("the conversation holds %d messages, want 8", len(conv.Window))
	}
}

// waitRead waits until chat got n messages. Reading screenshots takes
// seconds each, and minutes on a loaded machine under -race while other
// packages run Tesseract too: the deadline is generous, and only a bot
// that never answers reaches it.
func (h *harness) waitRead(chat int64, n int) {
	h.t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for len(h.sent(chat)) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("chat %d got %d messages, want %d: %q", chat, len(h.sent(chat)), n, texts(h.sent(chat)))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// offlineReader is a screenshot reader for tests that never reach OCR
// (refusals before reading); tesseract need not be installed.
func offlineReader(cfg ocr.Config) *screenshot.Reader {
	return screenshot.New(ocr.New(cfg))
}

func TestPicturesThatCannotBeReadGetAClearAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = offlineReader(ocr.Config{MaxBytes: 1 << 20, MaxPixels: 4000 * 4000})
	h.start()
	tests := []struct {
		name string
		chat int64
		data []byte
		want string
	}{
		{"animated GIF", 5311, animatedGIF(t), "can't open"},
		{"truncated PNG", 5312, smallPNG(t)[:40], "can't open"},
		{"not an image", 5313, []byte("%PDF-1.7 not a picture"), "can't open"},
		{"decompression bomb", 5314, bombPNG(100000, 100000), "too large"},
		{"over the byte limit (refused before download)", 5315, bytes.Repeat([]byte{0}, 1<<20+1), "too large"},
	}
	for _, tt := range tests {
		id := "bad-" + strconv.FormatInt(tt.chat, 10)
		h.api.AddFile(id, tt.data)
		h.api.Push(telegramtest.ImageFile(tt.chat, tt.chat, id, "image/png", len(tt.data)))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := h.settle(tt.chat)
			if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], tt.want) {
				t.Errorf("got %q, want one answer saying %q", texts(sent), tt.want)
			}
		})
	}
	for _, c := range h.api.Calls("download") {
		if strings.Contains(c.Params["file_path"], "bad-5315") {
			t.Error("a file over the byte limit was downloaded")
		}
	}
}

func TestScreenshotLimitPerUserIsInRedis(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = offlineReader(ocr.Config{})
	h.start()
	const chat = 5321
	// Another replica (or this one before a restart) read 30 this hour.
	if err := h.store.Client().Set(context.Background(), "sg:{c:5321}:shot-budget", 30, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	h.api.AddFile("over-limit", smallPNG(t))
	h.api.Push(telegramtest.ImageFile(chat, chat, "over-limit", "image/png", 100))
	sent := h.settle(chat)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "a lot of pictures") {
		t.Errorf("got %q, want one answer asking to slow down", texts(sent))
	}
	if n := len(h.api.Calls("getFile")); n != 0 {
		t.Errorf("%d getFile calls over the limit, want none", n)
	}
}

// A stuck recognition is killed at the engine's timeout and the user is
// told, instead of the chat waiting for ever.
func TestScreenshotTimeoutIsAnswered(t *testing.T) {
	t.Parallel()
	stuck := filepath.Join(t.TempDir(), "tesseract")
	if err := os.WriteFile(stuck, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.screenshots = offlineReader(ocr.Config{Command: stuck, Timeout: 300 * time.Millisecond})
	h.start()
	const chat = 5331
	h.api.AddFile("stuck", smallPNG(t))
	h.api.Push(telegramtest.ImageFile(chat, chat, "stuck", "image/png", 100))
	sent := h.settle(chat)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "couldn't finish") {
		t.Errorf("got %q, want one answer saying the screenshot could not be read", texts(sent))
	}
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func animatedGIF(t *testing.T) []byte {
	t.Helper()
	palette := color.Palette{color.White, color.Black}
	anim := &gif.GIF{}
	for range 2 {
		anim.Image = append(anim.Image, image.NewPaletted(image.Rect(0, 0, 8, 8), palette))
		anim.Delay = append(anim.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a valid PNG that claims width×height pixels in a few bytes.
func bombPNG(width, height uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	for _, c := range []struct {
		kind string
		data []byte
	}{{"IHDR", ihdr}, {"IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}}, {"IEND", nil}} {
		binary.Write(&buf, binary.BigEndian, uint32(len(c.data)))
		buf.WriteString(c.kind)
		buf.Write(c.data)
		binary.Write(&buf, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(c.kind), c.data...)))
	}
	return buf.Bytes()
}

// An album whose first page has too little text is still one answer: the
// page waits for the album's other pages, whose answer covers it. An
// album of such pages gets one "send a clearer screenshot".
func TestAlbumWithAnEmptyFirstPageIsOneAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const chat, empty = 5303, 5304
	h.pushAlbum(chat, "album-5303", append([][]byte{smallPNG(t)}, refundPages(t, [2]int{0, 5}, [2]int{3, 8})...))
	h.pushAlbum(empty, "album-5304", [][]byte{smallPNG(t), smallPNG(t)})

	h.waitRead(chat, 1)
	sent := h.settle(chat)
	if len(sent) != 1 {
		t.Fatalf("the album got %d answers, want one: %q", len(sent), texts(sent))
	}
	if want := "我从截图里读到 8 条消息：对方 7 条，你 1 条。"; !strings.HasPrefix(sent[0].Params["text"], want) {
		t.Errorf("the answer starts %q, want %q", firstLine(sent[0].Params["text"]), want)
	}
	h.waitRead(empty, 1)
	sent = h.settle(empty)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "clearer screenshot") {
		t.Errorf("an album with nothing to read got %q, want one request for a clearer screenshot", texts(sent))
	}
}
