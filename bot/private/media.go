package private

import (
	"context"
	_ "embed"
	"errors"
	"html"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// mediaTexts are what the bot says about photos and voice notes.
type mediaTexts struct {
	NoOCR       string `yaml:"no_ocr"`
	BadImage    string `yaml:"bad_image"`
	ImageFailed string `yaml:"image_failed"`
	NoVoice     string `yaml:"no_voice"`
	VoiceFailed string `yaml:"voice_failed"`
	SlowDown    string `yaml:"slow_down"`
	TooLarge    string `yaml:"too_large"`
}

//go:embed media_texts.yaml
var mediaTextsYAML []byte

var (
	mediaTextsOnce sync.Once
	mediaTextsAll  map[string]mediaTexts
	mediaTextsErr  error
)

func mediaTextsIn(lang string) mediaTexts {
	mediaTextsOnce.Do(func() {
		mediaTextsAll, mediaTextsErr = conversation.LoadLangTexts[mediaTexts]("media texts", mediaTextsYAML)
	})
	if mediaTextsErr != nil {
		panic(mediaTextsErr) // embedded: a build mistake, caught by the tests
	}
	t, ok := mediaTextsAll[lang]
	if !ok {
		t = mediaTextsAll["zh"]
	}
	return t
}

// mediaTimeout bounds downloading and reading one photo or voice note
// (the OCR engine bounds each tesseract run on its own). It replaces the
// update handler's 30 s deadline (media.Context): a picture that waited
// for an OCR slot on a busy machine still has its time to be read.
const mediaTimeout = 90 * time.Second

// onPrivateMedia reads a photo, an image document, a voice note or an
// audio file in a private chat; it reports false for other media.
func (b *Chats) onPrivateMedia(ctx context.Context, msg *models.Message, received time.Time) bool {
	switch {
	case media.PictureOf(msg) != "":
		caption := strings.TrimSpace(msg.Caption)
		// Without OCR a captioned picture is its caption: the caption is
		// answered, and "I can't read pictures" would only be noise.
		if b.screenshots != nil || caption == "" {
			b.readPhoto(ctx, msg, media.PictureOf(msg), received)
		}
		// A caption ("is this a scam?") is read after the picture.
		if caption != "" {
			b.observe(ctx, msg, caption, received)
		}
	case msg.Voice != nil:
		b.readVoice(ctx, msg, msg.Voice.FileID, msg.Voice.Duration, "voice.ogg", received)
	case msg.Audio != nil:
		b.readVoice(ctx, msg, msg.Audio.FileID, msg.Audio.Duration, "audio"+audioExtension(msg.Audio.MimeType), received)
	default:
		return false
	}
	return true
}

func audioExtension(mime string) string {
	switch mime {
	case "audio/mpeg":
		return ".mp3"
	case "audio/mp4", "audio/x-m4a":
		return ".m4a"
	case "audio/wav", "audio/x-wav":
		return ".wav"
	}
	return ".ogg"
}

// readPhoto downloads and reads a screenshot and adds the turns it brings
// to the conversation like forwarded messages. Screenshots sent together
// (an album, or one after the other within the burst window) are one
// conversation: a page's overlap with the chat's previous one is dropped
// (media.AddPage, in the store), and the burst's one answer starts with
// what all of them gave (withScreenshotSummary). A picture that cannot be
// read gets its own answer at once.
func (b *Chats) readPhoto(ctx context.Context, msg *models.Message, fileID string, received time.Time) {
	chat := msg.Chat.ID
	settings := b.Settings(ctx, chat)
	lang := conversation.UILang(settings, msg.From)
	t := mediaTextsIn(lang)
	if b.screenshots == nil {
		b.SendText(chat, false, "no_ocr", t.NoOCR, msg.ID)
		return
	}
	if msg.From != nil && !b.allowScreenshot(ctx, msg.From.ID) {
		b.SendText(chat, false, "slow_down", t.SlowDown, msg.ID)
		return
	}
	ctx, cancel := media.Context(ctx, mediaTimeout)
	defer cancel()
	b.typing(ctx, chat)
	data, err := media.Download(ctx, b.API, fileID, b.screenshots.MaxBytes())
	var page screenshot.Page
	if err == nil {
		page, err = b.screenshots.Read(ctx, data)
	}
	if err != nil {
		b.screenshotFailed(chat, msg.ID, t, err)
		return
	}
	fresh, reading, err := media.AddPage(ctx, b.Store, chat, page)
	if err != nil {
		b.Degrade("store", err)
	}
	if media.Little(page) {
		// Nothing to check in this picture. Said at once unless other
		// screenshots of the chat are being read: their answer covers it.
		// An album's page waits for the album's other pages; the first
		// such page since the last answer arms the check.
		switch {
		case msg.MediaGroupID != "" && b.burstWindow > 0:
			if reading.Little <= 1 { // 0: the store failed
				b.littleAlbumPage(chat, msg.ID, lang)
			}
		case reading.Other+reading.User == 0 && !b.burstOpen(ctx, chat):
			b.sayLittle(ctx, chat, msg.ID, lang)
		}
		return
	}
	if len(fresh) == 0 {
		// The same messages again (the screenshot was sent twice): the
		// conversation has them; say what was read, and nothing more.
		if !b.burstOpen(ctx, chat) {
			other, user := screenshot.Reading{Turns: page.Turns}.Counts()
			summary, _ := screenshot.SummaryOf(lang, other, user, screenshot.MinChars)
			b.SendText(chat, false, "screenshot_read", summary, msg.ID)
			b.takeScreenshots(ctx, chat)
		}
		return
	}
	for i, turn := range fresh {
		entry := store.Entry{ID: int64(msg.ID)*100 + int64(i), From: string(turn.From), Text: turn.Text, Time: time.Unix(int64(msg.Date), 0)}
		b.observeEntry(ctx, msg, entry, i+1, received)
	}
}

// littleAlbumPage answers an album's page with too little text once the
// album's other pages were read: they arrive as updates of their own,
// queued on the chat's lane behind this one, so a check queued there a
// burst window later runs after them. It says "send a clearer screenshot"
// only when none of them brought turns (the reading still counts pages
// with little text and no turns, and no burst is open); otherwise the
// burst's answer covers the page, or already did and took the counts.
func (b *Chats) littleAlbumPage(chat int64, replyTo int, lang string) {
	check := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if b.burstOpen(ctx, chat) {
			return
		}
		reading, err := b.Store.ScreenshotReading(ctx, chat)
		if err != nil {
			b.Degrade("store", err)
			return
		}
		if reading.Little > 0 && reading.Other+reading.User == 0 {
			b.sayLittle(ctx, chat, replyTo, lang)
		}
	}
	time.AfterFunc(b.burstWindow, func() { b.schedule(chat, check) })
}

// sayLittle asks for a clearer screenshot or the text, and starts the
// chat's next reading from zero.
func (b *Chats) sayLittle(ctx context.Context, chat int64, replyTo int, lang string) {
	summary, _ := screenshot.SummaryOf(lang, 0, 0, 0)
	b.SendText(chat, false, "screenshot_little", summary, replyTo)
	b.takeScreenshots(ctx, chat)
}

// screenshotFailed answers a picture that could not be read, saying why
// in words the user can act on.
func (b *Chats) screenshotFailed(chat int64, replyTo int, t mediaTexts, err error) {
	switch {
	case errors.Is(err, ocr.ErrUnsupported), errors.Is(err, ocr.ErrCorrupt), errors.Is(err, ocr.ErrAnimated):
		b.SendText(chat, false, "bad_image", t.BadImage, replyTo)
	case errors.Is(err, ocr.ErrTooLarge):
		b.SendText(chat, false, "too_large", t.TooLarge, replyTo)
	case errors.Is(err, ocr.ErrNotInstalled):
		b.Log.Error("read screenshot: OCR is not installed", "err", err)
		b.SendText(chat, false, "no_ocr", t.NoOCR, replyTo)
	default:
		// A timeout, a slot never free, a download that failed.
		b.Log.Warn("read screenshot", "chat", chat, "err", err)
		b.SendText(chat, false, "image_failed", t.ImageFailed, replyTo)
	}
}

// allowScreenshot counts a screenshot against the user's hourly limit,
// shared by every chat and replica through the store. While the store
// fails, pictures are read: the OCR engine's bounds still hold.
func (b *Chats) allowScreenshot(ctx context.Context, user int64) bool {
	allowed, err := b.Store.AllowScreenshot(ctx, user, media.UserScreenshotsPerHour)
	if err != nil {
		b.Degrade("store", err)
		return true
	}
	return allowed
}

// takeScreenshots starts the chat's next screenshot reading from zero.
func (b *Chats) takeScreenshots(ctx context.Context, chat int64) {
	if _, err := b.Store.TakeScreenshotReading(ctx, chat); err != nil {
		b.Degrade("store", err)
	}
}

// withScreenshotSummary is the burst's answer text: when the burst brought
// screenshots, what they gave comes first ("我从截图里读到 6 条消息：对方 4 条，
// 你 2 条。"), counted over every screenshot since the last answer, in the
// reply's language. The counts are taken from the store in one step, so
// of two replicas answering, one says them.
func (b *Chats) withScreenshotSummary(ctx context.Context, chat int64, br *burst, rendered reply.Reply) string {
	if !br.screenshots {
		return rendered.Short
	}
	reading, err := b.Store.TakeScreenshotReading(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
		return rendered.Short
	}
	if reading.Other+reading.User == 0 {
		return rendered.Short
	}
	// The pages counted had text enough (a page with little text is
	// answered, or covered, on its own), however few new characters the
	// last one brought.
	summary, _ := screenshot.SummaryOf(rendered.Lang, reading.Other, reading.User, max(reading.Chars, screenshot.MinChars))
	// The first screen follows; "why / more" expands it.
	return html.EscapeString(summary) + "\n\n" + rendered.Short
}

// readVoice transcribes a voice note or audio file. A forwarded one is the
// other party's words; the user's own is the user speaking (retelling a
// call, asking).
func (b *Chats) readVoice(ctx context.Context, msg *models.Message, fileID string, seconds int, name string, received time.Time) {
	chat := msg.Chat.ID
	t := mediaTextsIn(conversation.UILang(b.Settings(ctx, chat), msg.From))
	if b.transcriber == nil {
		b.SendText(chat, false, "no_voice", t.NoVoice, msg.ID)
		return
	}
	maxBytes, maxSeconds := b.transcriber.Limits()
	if seconds > maxSeconds {
		b.SendText(chat, false, "voice_failed", t.VoiceFailed, msg.ID)
		return
	}
	ctx, cancel := media.Context(ctx, mediaTimeout)
	defer cancel()
	b.typing(ctx, chat)
	data, err := media.Download(ctx, b.API, fileID, maxBytes)
	var text string
	if err == nil {
		text, err = b.transcriber.Transcribe(ctx, name, data, seconds)
	}
	if err != nil {
		if !errors.Is(err, transcribe.ErrEmpty) {
			b.Log.Warn("transcribe", "chat", chat, "err", err)
		}
		b.SendText(chat, false, "voice_failed", t.VoiceFailed, msg.ID)
		return
	}
	from := classifier.SpeakerUser
	if msg.ForwardOrigin != nil {
		from = speakerOf(msg)
	}
	entry := conversation.MessageEntry(msg, text, from)
	b.observeEntry(ctx, msg, entry, 0, received)
}

// typing shows "typing…" while a picture or recording is read.
func (b *Chats) typing(ctx context.Context, chat int64) {
	if _, err := b.API.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping}); err != nil {
		b.Log.Debug("send chat action", "chat", chat, "err", err)
	}
}
