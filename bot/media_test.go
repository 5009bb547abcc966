package bot_test

import (
	"strconv"
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

// Telegram sends every photo as JPEG; the founding scam from the user's
// reply on (five of theirs, one of yours) and a Traditional scam come back
// with their counts, in the script they are written in.
func TestPhotoIsReadThroughGetFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const chat, traditional, broken = 5101, 5103, 5102
	photos := []struct {
		chat int64
		shot chatshot.Shot
		// summary is the answer's first line; warning its headline.
		summary, warning string
	}{
		{chat, chatshot.Shot{Style: chatshot.WeChat, Title: "淘宝理赔中心", Lang: "zh", Messages: chatshot.RefundScam.Messages[2:]},
			"我从截图里读到 6 条消息：对方 5 条，你 1 条。", "很可能是诈骗"},
		{traditional, chatshot.Shot{Style: chatshot.LINE, Title: chatshot.Conversations[1].Title, Lang: "zh-Hant", Messages: chatshot.Conversations[1].Messages},
			"我從截圖裡讀到 6 則訊息：對方 4 則，你 2 則。", "很可能是詐騙"},
	}
	for _, p := range photos {
		data, err := chatshot.JPEG(p.shot, 87)
		if err != nil {
			t.Fatal(err)
		}
		id := "shot-" + strconv.FormatInt(p.chat, 10)
		h.api.AddFile(id, data)
		h.api.Push(telegramtest.Photo(p.chat, p.chat, id, 1080, 2400, len(data)))
	}
	h.api.AddFile("not-an-image", []byte("%PDF-1.7 this is no picture"))
	h.api.Push(telegramtest.Photo(broken, broken, "not-an-image", 1080, 2400, 27))

	for _, p := range photos {
		h.waitRead(p.chat, 1)
		sent := h.settle(p.chat)
		// One answer; a chat whose region is not sure from the scam is
		// asked where the user lives, after it.
		if len(sent) == 2 && strings.Contains(sent[1].Params["text"], "/region") {
			sent = sent[:1]
		}
		if len(sent) != 1 {
			t.Fatalf("chat %d: the photo got %d answers, want one: %q", p.chat, len(sent), texts(sent))
		}
		if answer := sent[0].Params["text"]; !strings.HasPrefix(answer, p.summary) {
			t.Errorf("chat %d: the answer starts %q, want %q", p.chat, firstLine(answer), p.summary)
		}
		if full := h.fullText(p.chat, sent[0]); !strings.Contains(full, p.warning) {
			t.Errorf("chat %d: answer %q, want the warning %q", p.chat, full, p.warning)
		}
	}
	if len(h.api.Calls("getFile")) < 3 || len(h.api.Calls("download")) != 3 || len(h.api.Calls("sendChatAction")) < 2 {
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
