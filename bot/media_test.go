package bot_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/internal/chatshot"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/transcribe"
	"github.com/scamguard/scamguard/transcribe/transcribetest"
)

// requireOCR returns a screenshot reader, or skips without Tesseract or a
// CJK font (fails in CI).
func requireOCR(t *testing.T) *screenshot.Reader {
	t.Helper()
	return screenshot.New(chatshot.RequireOCR(t))
}

func TestPhotoIsReadThroughGetFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const chat, broken = 5101, 5102
	data, err := chatshot.JPEG(chatshot.Shot{Style: chatshot.WeChat, Title: "淘宝理赔中心", Lang: "zh", Messages: chatshot.RefundScam.Messages[2:]}, 87)
	if err != nil {
		t.Fatal(err)
	}
	h.api.AddFile("shot-1", data)
	h.api.AddFile("not-an-image", []byte("%PDF-1.7 this is no picture"))
	h.api.Push(telegramtest.Photo(chat, chat, "shot-1", 1080, 2400, len(data)), telegramtest.Photo(broken, broken, "not-an-image", 1080, 2400, 27))

	h.waitRead(chat, 1)
	sent := h.settle(chat)
	if len(sent) != 1 {
		t.Fatalf("the photo got %d answers, want one: %q", len(sent), texts(sent))
	}
	// Telegram sends photos as JPEG, whose noise the bubble finder still
	// misreads here (a bubble split, Traditional glyphs): this test holds
	// the bot's path (getFile, download, one answer saying what was read,
	// a warning); the reading itself is measured on PNGs in screenshot/.
	answer := sent[0].Params["text"]
	if !readSummary.MatchString(answer) {
		t.Errorf("the answer starts %q, want what was read (我从截图里读到 N 条消息：…)", firstLine(answer))
	}
	if full := h.fullText(chat, sent[0]); !strings.Contains(full, "诈骗") && !strings.Contains(full, "詐騙") {
		t.Errorf("answer %q, want a warning", full)
	}
	if len(h.api.Calls("getFile")) < 2 || len(h.api.Calls("download")) != 2 || len(h.api.Calls("sendChatAction")) < 1 {
		t.Errorf("getFile %d, download %d, sendChatAction %d calls", len(h.api.Calls("getFile")), len(h.api.Calls("download")), len(h.api.Calls("sendChatAction")))
	}
	if got := h.waitSent(broken, 1)[0].Params["text"]; !strings.Contains(got, "打不开") && !strings.Contains(got, "can't open") {
		t.Errorf("a file that is no picture got %q", got)
	}
}

func TestVoiceNotes(t *testing.T) {
	t.Parallel()
	server := transcribetest.New(t)
	h := newHarness(t)
	h.transcriber = transcribe.New(transcribe.Config{BaseURL: server.URL(), Model: "whisper-1"})
	h.start()
	const own, forwarded, marker = 5201, 5202, 5203
	ownVoice := telegramtest.Voice(own, own, 9)
	fwdVoice := telegramtest.Voice(forwarded, forwarded, 14)
	fwdVoice.Message.ForwardOrigin = &models.MessageOrigin{Type: models.MessageOriginTypeHiddenUser,
		MessageOriginHiddenUser: &models.MessageOriginHiddenUser{Type: models.MessageOriginTypeHiddenUser, Date: fwdVoice.Message.Date, SenderUserName: "客服"}}
	ownAudio, fwdAudio := []byte("OggS own voice"), []byte("OggS forwarded voice")
	h.api.AddFile(ownVoice.Message.Voice.FileID, ownAudio)
	h.api.AddFile(fwdVoice.Message.Voice.FileID, fwdAudio)
	server.Script(ownAudio, "刚才有个人打电话说是淘宝客服，说要给我双倍理赔，让我买礼品卡把卡密发给他，这是诈骗吗？")
	server.Script(fwdAudio, "您好我是淘宝理赔中心客服，您的快递丢失了给您双倍理赔，请先购买礼品卡把卡号卡密发给我做验证")
	h.api.Push(ownVoice, fwdVoice)

	for _, chat := range []int64{own, forwarded} {
		sent := h.waitSent(chat, 1)
		if got := h.fullText(chat, sent[0]); !strings.Contains(got, "礼品卡") {
			t.Errorf("chat %d: %q, want a reply about the transcribed words", chat, got)
		}
	}
	if reqs := server.Requests(); len(reqs) != 2 || reqs[0].Filename != "voice.ogg" {
		t.Errorf("transcription requests: %+v", reqs)
	}

	// Too long a voice note: a clear answer, and nothing sent to the server.
	long := telegramtest.Voice(marker, marker, 3600)
	h.api.AddFile(long.Message.Voice.FileID, []byte("OggS long"))
	h.api.Push(long)
	if got := h.waitSent(marker, 1)[0].Params["text"]; !strings.Contains(got, "没能听清") && !strings.Contains(got, "couldn't make out") {
		t.Errorf("an hour-long voice note got %q", got)
	}
	if n := len(server.Requests()); n != 2 {
		t.Errorf("%d transcription requests after the long note, want 2", n)
	}
}

// readSummary is the first line of an answer to screenshots, in either script.
var readSummary = regexp.MustCompile(`^我(从|從)截(图|圖)(里|裡)(读|讀)到 \d+ (条|則)(消息|訊息)`)
