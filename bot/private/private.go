// Package private is the bot in private chats: forwarded, pasted and typed
// messages gathered into bursts (burst.go) and answered once per burst
// with the check reply and its buttons, edits, screenshots and voice notes
// (media.go), the commands (/new, /lang, /region, /forget, /mydata, …),
// and the hand-offs to moderation (cases) and guardians (alerts).
package private

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/group"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/bot/moderation"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// Config is how private chats are answered.
type Config struct {
	// BurstWindow is the quiet time after the last forwarded message before
	// the bot answers; 0 answers each message at once (benchmarks).
	BurstWindow time.Duration
	// Screenshots reads photos and image files (OCR); nil answers that
	// pictures cannot be read and asks for the text.
	Screenshots *media.Pages
	// Transcriber turns voice notes into text; nil asks for a screenshot
	// or the words typed.
	Transcriber *transcribe.Transcriber
}

// Chats is the bot in private chats.
type Chats struct {
	*conversation.Room
	burstWindow time.Duration
	screenshots *media.Pages
	transcriber *transcribe.Transcriber
	moderation  *moderation.Desk
	guardians   *group.Guardians
	// schedule runs a job on a chat's lane (in order with its updates);
	// false once the bot is stopping.
	schedule func(chat int64, job func()) bool
	bursts   *bursts
	journeys map[string]journeyTexts
	// stopping makes bursts answer at once: a stopping bot must not leave
	// a burst unanswered.
	stopping atomic.Bool
}

// New builds the private-chat room. schedule runs a job on a chat's lane;
// moderation drafts the cases behind a reply's buttons; guardians are
// alerted when a chat reaches scam.
func New(room *conversation.Room, cfg Config, schedule func(chat int64, job func()) bool, desk *moderation.Desk, guardians *group.Guardians) (*Chats, error) {
	journeys, err := loadJourneyTexts()
	if err != nil {
		return nil, err
	}
	return &Chats{Room: room, burstWindow: max(cfg.BurstWindow, 0), screenshots: cfg.Screenshots, transcriber: cfg.Transcriber,
		moderation: desk, guardians: guardians, schedule: schedule, bursts: newBursts(), journeys: journeys}, nil
}

// Stop answers every pending burst now (on the chat's lane) and makes
// later messages answered at once: the first half of a graceful stop.
func (b *Chats) Stop() {
	b.stopping.Store(true)
	for _, chat := range b.bursts.chats() {
		b.schedule(chat, func() { b.flush(chat, 0, true) })
	}
}

// OnLanguageButton handles a press on the /lang keyboard.
func (b *Chats) OnLanguageButton(ctx context.Context, chat int64, from *models.User, choice string) {
	b.setLanguage(ctx, chat, from, choice)
}

// OnMessage handles a new message of a private chat: a command, text to check, or something
// the bot cannot read yet.
func (b *Chats) OnMessage(ctx context.Context, msg *models.Message, received time.Time) {
	text := conversation.MessageText(msg)
	// A picture is read whatever its caption says (media.go reads the
	// caption after it).
	if strings.TrimSpace(text) == "" || media.PictureOf(msg) != "" {
		if b.onPrivateMedia(ctx, msg, received) {
			b.Metrics.HandleTime.Observe(time.Since(received).Seconds())
			return
		}
		if hasMedia(msg) {
			settings := b.Settings(ctx, msg.Chat.ID)
			b.SendText(msg.Chat.ID, false, "not_text", b.Texts.In(conversation.UILang(settings, msg.From)).NotText, msg.ID)
		}
		return // a service message: nothing to say
	}
	if name, arg, ok := b.Command(text); ok {
		if name != "" {
			b.onCommand(ctx, msg, name, arg)
		}
		return
	}
	if !b.onOwnWords(ctx, msg, text) {
		b.observe(ctx, msg, text, received)
	}
	b.Metrics.HandleTime.Observe(time.Since(received).Seconds())
}

// hasMedia reports content the bot cannot read yet (as opposed to service
// messages such as "X joined", which need no answer).
func hasMedia(msg *models.Message) bool {
	return msg.Sticker != nil || len(msg.Photo) > 0 || msg.Voice != nil || msg.Audio != nil ||
		msg.Video != nil || msg.VideoNote != nil || msg.Document != nil || msg.Animation != nil ||
		msg.Contact != nil || msg.Location != nil || msg.Venue != nil || msg.Poll != nil || msg.Dice != nil
}

// speakerOf says whose words a private message carries. A message the
// user forwarded from themselves is theirs; anything else — forwarded from
// someone, pasted, or typed from what a caller said — is the other party's
// (the classifier recognises reported speech in it).
func speakerOf(msg *models.Message) classifier.Speaker {
	origin := msg.ForwardOrigin
	if origin != nil && origin.MessageOriginUser != nil && msg.From != nil &&
		origin.MessageOriginUser.SenderUser.ID == msg.From.ID {
		return classifier.SpeakerUser
	}
	return classifier.SpeakerOther
}

// forwardedFromHidden reports a message forwarded from a hidden account.
func forwardedFromHidden(msg *models.Message) bool {
	return msg.ForwardOrigin != nil && msg.ForwardOrigin.Type == models.MessageOriginTypeHiddenUser
}

// observe adds a message to the chat's conversation and (re)arms the burst:
// the answer goes out once the chat has been quiet for BurstWindow.
func (b *Chats) observe(ctx context.Context, msg *models.Message, text string, received time.Time) {
	entry := conversation.MessageEntry(msg, text, speakerOf(msg))
	entry.Hidden = forwardedFromHidden(msg)
	b.observeEntry(ctx, msg, entry, received)
}

// observeEntry records entry (a message's text, or the turns read from a
// screenshot or a recording) and (re)arms the burst of msg's chat.
func (b *Chats) observeEntry(ctx context.Context, msg *models.Message, entry store.Entry, received time.Time) {
	chat := msg.Chat.ID
	br := b.bursts.open(chat)
	verdict, conv, err := b.Record(ctx, chat, entry)
	if err != nil {
		// The store is down or slow: judge what this burst brought alone
		// rather than leave the user without an answer.
		b.Degrade("store", err)
		br.degraded = true
		br.fallback = append(br.fallback, classifier.Message{From: classifier.Speaker(entry.From), Text: entry.Text, HiddenSender: entry.Hidden})
		verdict = b.Classifier.Classify(ctx, classifier.Conversation{Messages: br.fallback})
	} else {
		br.settings = conv.Settings
		br.window = conv.Window
		// Quotes come from the words as received, never from storage
		// (which keeps them redacted).
		if br.live == nil {
			br.live = map[int]string{}
		}
		br.live[int(conv.Seq-1)] = entry.Text
	}
	br.verdict = verdict
	br.replyTo = msg.ID
	if msg.From != nil {
		br.user, br.userLang = msg.From.ID, msg.From.LanguageCode
	}
	br.received = received
	br.gen++
	if b.burstWindow == 0 || b.stopping.Load() {
		b.flush(chat, br.gen, false)
		return
	}
	if br.timer != nil {
		br.timer.Stop()
	}
	gen := br.gen
	br.timer = time.AfterFunc(b.burstWindow, func() {
		b.schedule(chat, func() { b.flush(chat, gen, false) })
	})
}

// flush answers chat's burst if gen is still its latest message (or force).
func (b *Chats) flush(chat int64, gen uint64, force bool) {
	br := b.bursts.take(chat, gen, force)
	if br == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.answer(ctx, chat, br, liveQuotes(br.verdict, br.live))
}

// answer runs the burst's conversation through the detection pipeline
// (heuristic is the classifier's verdict, kept as messages arrived) and
// queues the check reply, replying to the burst's last message: its first
// screen with the journey and feedback buttons, or, when the chat already
// heard a warning at this level about this scam, a short update. The
// region is the user's setting or a usable guess; a warning whose guess is
// not sure is followed by the region question, once.
func (b *Chats) answer(ctx context.Context, chat int64, br *burst, heuristic classifier.Verdict) {
	lang := br.settings.Language
	if lang == "" {
		lang = "auto"
		if br.userLang != "" && !hasLetters(br) {
			// Emoji, "/" or a zero-width space say nothing about the
			// language; the user's Telegram language does.
			lang = catalog.NormalizeLang(br.userLang)
		}
	}
	verdict := b.detect(ctx, chat, br, heuristic, lang)
	guess := b.RegionOf(conversation.Where{Setting: br.settings.Region, LanguageCode: br.userLang, Texts: burstTexts(br), Verdict: verdict})
	opts := reply.Options{Lang: lang, Region: conversation.UsableRegion(guess), RegionFinal: true}
	full := b.Replies.RenderHTML(verdict, opts)
	rendered := full
	if !br.degraded {
		prev, err := b.LastAnswer(ctx, chat)
		switch {
		case err == nil && reply.IsUpdate(prev.Verdict, verdict):
			rendered = b.Replies.Update(prev.Verdict, verdict, opts, reply.HTML)
		case err != nil && !conversation.IsNoAnswer(err):
			b.Degrade("store", err)
		}
	}
	caseID := b.moderation.Draft(ctx, chat, br.user, br.window, verdict, full)
	t := b.Texts.In(rendered.Lang)
	settingsChanged := false
	// Consent is asked once, on the first warning; sharing stays off
	// unless pressed.
	askConsent := b.Review != nil && verdict.Level != classifier.LevelNone && !br.settings.ShareConsent && !br.settings.ConsentAsked && !br.degraded
	if askConsent {
		br.settings.ConsentAsked, settingsChanged = true, true
	}
	askRegion := warns(verdict) && br.settings.Region == "" && !br.settings.RegionAsked && !guess.Sure() && !br.degraded
	if askRegion {
		br.settings.RegionAsked, settingsChanged = true, true
	}
	if settingsChanged {
		if err := b.Store.SaveSettings(ctx, chat, br.settings); err != nil {
			b.Degrade("store", err)
		}
	}
	if !br.degraded {
		answer := conversation.Answer{Verdict: verdict, Lang: lang, Region: opts.Region, Consent: askConsent}
		if err := b.SaveAnswer(ctx, chat, caseID, answer); err != nil {
			b.Degrade("store", err)
		}
	}
	keyboard := b.replyKeyboard(rendered.Lang, caseID, rendered.More != "", verdict, b.caseRows(t, caseID, askConsent))
	params := &tgbot.SendMessageParams{
		ChatID:             chat,
		Text:               b.withScreenshotSummary(ctx, chat, br, rendered),
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		ReplyParameters:    &models.ReplyParameters{MessageID: br.replyTo, AllowSendingWithoutReply: true},
		ReplyMarkup:        keyboard,
	}
	b.Queue(chat, false, "reply", params)
	if askRegion {
		b.askRegion(chat, rendered.Lang, guess)
	}
	b.Metrics.Verdicts.WithLabelValues(string(verdict.Level)).Inc()
	b.moderation.ShareConsented(ctx, chat, caseID, verdict, br.settings.ShareConsent)
	if verdict.Level == classifier.LevelScam {
		b.guardians.Alert(ctx, chat, br.user, verdict)
	}
}

// caseRows are the feedback buttons of answer id (moderation.CaseButtons).
func (b *Chats) caseRows(t conversation.UITexts, id string, askConsent bool) [][]models.InlineKeyboardButton {
	return moderation.CaseButtons(t, id, askConsent)
}

// detect runs the burst's conversation through the pipeline and returns
// the final verdict. heuristic is the classifier's verdict, kept as the
// burst's messages arrived. The stages read the stored (redacted) window;
// while the store fails, the burst's own messages, and the fingerprints,
// which live in the same Redis, are skipped.
func (b *Chats) detect(ctx context.Context, chat int64, br *burst, heuristic classifier.Verdict, lang string) classifier.Verdict {
	req := detect.Request{
		Heuristic:    &heuristic,
		Lang:         lang,
		Region:       br.settings.Region,
		User:         strconv.FormatInt(br.user, 10),
		Conversation: strconv.FormatInt(chat, 10),
	}
	if br.degraded || len(br.window) == 0 {
		req.Messages = br.fallback
		req.Skip = conversation.SkipWhileStoreFails
	} else {
		req.Messages, req.FirstIndex = conversation.WindowMessages(br.window)
	}
	return b.Detect(ctx, chat, req)
}

// OnEdited re-checks a conversation after one of its messages was edited.
// The user gets a new answer only when the level rises: an edit that
// fixes a typo must not repeat the answer.
func (b *Chats) OnEdited(ctx context.Context, msg *models.Message) {
	before, after, ok := b.RecordEdit(ctx, msg, speakerOf(msg), forwardedFromHidden(msg))
	if !ok {
		return
	}
	chat := msg.Chat.ID
	if br := b.bursts.peek(chat); br != nil {
		br.verdict = after // the burst's answer is still to come
		return
	}
	if after.Level.AtLeast(before.Level) && after.Level != before.Level {
		br := &burst{replyTo: msg.ID, settings: b.Settings(ctx, chat), received: time.Now()}
		if msg.From != nil {
			br.user, br.userLang = msg.From.ID, msg.From.LanguageCode
		}
		if conv, err := b.Store.Load(ctx, chat); err == nil {
			br.window = conv.Window
		}
		b.answer(ctx, chat, br, after)
	}
}
