// Package private is the bot in private chats: forwarded, pasted and typed
// messages gathered into bursts (burst.go) and answered once per burst
// with the check reply and its buttons, edits, screenshots and voice notes
// (media.go), the commands (/new, /lang, /region, /forget, /mydata, …),
// and the hand-offs to moderation (cases) and guardians (alerts).
package private

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/group"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/bot/moderation"
	"github.com/scamguard/scamguard/bot/sendqueue"
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
	// ClaimAfter is how long a replica's claim on a burst lasts: a burst
	// whose replica died answering it is answered by another after this.
	ClaimAfter time.Duration
	// ChatMenus are the command menus set for one private chat, by the
	// language (catalog.NormalizeLang) of the chats that get one: those
	// whose language Telegram's language menus cannot tell apart (menu.go).
	ChatMenus map[string][]models.BotCommand
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
	// claimAfter is Config.ClaimAfter; claiming holds the chats whose
	// burst waits on their lane to be claimed (due.go).
	claimAfter time.Duration
	claiming   sync.Map
	journeys   map[string]journeyTexts
	chatMenus  map[string][]models.BotCommand
	// stopping makes bursts that cannot outlive the process (in memory,
	// or on the embedded store) answer at once.
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
	claimAfter := cfg.ClaimAfter
	if claimAfter <= 0 {
		claimAfter = time.Minute
	}
	return &Chats{Room: room, burstWindow: max(cfg.BurstWindow, 0), screenshots: cfg.Screenshots, transcriber: cfg.Transcriber,
		moderation: desk, guardians: guardians, schedule: schedule, bursts: newBursts(), journeys: journeys,
		claimAfter: claimAfter, chatMenus: cfg.ChatMenus}, nil
}

// Stop is the first half of a graceful stop. Bursts kept in Redis stay
// there for another replica, or this one after its restart, to answer
// when due; bursts that cannot outlive this process (the embedded store,
// or gathered in memory while the store failed) are answered now, on
// their chat's lane, and later messages at once.
func (b *Chats) Stop() {
	b.stopping.Store(true)
	for _, chat := range b.bursts.chats() {
		b.schedule(chat, func() { b.flush(chat, 0, true) })
	}
	if !b.Store.Embedded() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	due, err := b.Store.DueBursts(ctx, time.Now().Add(store.BurstTTL), 1<<20)
	if err != nil {
		b.Degrade("store", err)
	}
	for _, d := range due {
		b.claimOnLane(d.Chat, d.Score, true)
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
	b.observeEntry(ctx, msg, entry, 0, received)
}

// observeEntry records entry (a message's text, a voice note's words, or
// part of the turns read from a screenshot, from 1) in the burst of msg's
// chat. The burst lives in the store (due.go), so that whichever replica
// gets the chat's next message or is free when it is due answers it; only
// while the store fails is it gathered here, in memory (fallback).
func (b *Chats) observeEntry(ctx context.Context, msg *models.Message, entry store.Entry, part int, received time.Time) {
	chat := msg.Chat.ID
	if b.bursts.peek(chat) == nil {
		err := b.Store.AddToBurst(ctx, chat, burstMessage(msg, entry, part), b.burstWindow)
		if err == nil {
			if b.burstWindow == 0 || (b.stopping.Load() && b.Store.Embedded()) {
				b.answerBurst(chat, 0, true)
			}
			return
		}
		b.Degrade("store", err)
	}
	b.fallback(msg, entry, part, received)
}

// burstMessage is entry (part of msg) as its chat's burst keeps it.
func burstMessage(msg *models.Message, entry store.Entry, part int) store.BurstMessage {
	queued := store.BurstMessage{Order: store.BurstOrder(msg.ID, part), Entry: entry, ReplyTo: msg.ID, Screenshot: part > 0}
	if msg.From != nil {
		queued.User, queued.UserLang = msg.From.ID, msg.From.LanguageCode
	}
	return queued
}

// Plain returns the burst message of a private message that needs nothing
// but to join its chat's burst: text, typed or forwarded, that is not a
// command, nor the user's own words that OnMessage answers apart (a loss
// reported, a greeting). The webhook stores such a message in its burst
// itself (store.Store.AddUpdateToBurst), which is all OnMessage would do
// with it, instead of handing it to the intake and a consumer. ok is false
// for anything else, and while this process cannot leave a burst to Redis:
// it gathers the chat's burst in memory (the store failed), answers at
// once (no burst window), or is stopping.
func (b *Chats) Plain(msg *models.Message) (store.BurstMessage, bool) {
	if msg.Chat.Type != models.ChatTypePrivate || strings.TrimSpace(msg.Text) == "" || media.PictureOf(msg) != "" {
		return store.BurstMessage{}, false
	}
	if _, _, command := b.Command(msg.Text); command {
		return store.BurstMessage{}, false
	}
	if msg.ForwardOrigin == nil && (b.Intents.Loss(msg.Text).Reported() || b.Intents.IsGreeting(msg.Text)) {
		return store.BurstMessage{}, false // onOwnWords
	}
	if b.burstWindow == 0 || b.stopping.Load() || b.bursts.peek(msg.Chat.ID) != nil {
		return store.BurstMessage{}, false
	}
	entry := conversation.MessageEntry(msg, msg.Text, speakerOf(msg))
	entry.Hidden = forwardedFromHidden(msg)
	return burstMessage(msg, entry, 0), true
}

// fallback gathers a burst in memory while the store fails: its messages
// are judged alone, and answered once the chat has been quiet for
// BurstWindow.
func (b *Chats) fallback(msg *models.Message, entry store.Entry, part int, received time.Time) {
	chat := msg.Chat.ID
	br := b.bursts.open(chat)
	br.degraded = true
	br.screenshots = br.screenshots || part > 0
	br.fallback = append(br.fallback, classifier.Message{From: classifier.Speaker(entry.From), Text: entry.Text, HiddenSender: entry.Hidden})
	br.verdict = b.Classifier.Classify(context.Background(), classifier.Conversation{Messages: br.fallback})
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

// flush answers chat's in-memory burst if gen is still its latest message
// (or force).
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
		lang = inUsersScript(br.userLang, "auto", heuristic.Language)
		if br.userLang != "" && !hasLetters(br) {
			// Emoji, "/" or a zero-width space say nothing about the
			// language; the user's Telegram language does.
			lang = catalog.NormalizeLang(br.userLang)
		}
	}
	detectLang := lang
	if lang != "auto" {
		detectLang = catalog.NormalizeLang(lang) // the stages read zh, zh-Hant or en; the reply also a place's words
	}
	verdict := b.detect(ctx, chat, br, heuristic, detectLang)
	guess := b.RegionOf(conversation.Where{Setting: br.settings.Region, LanguageCode: br.userLang, Texts: burstTexts(br), Verdict: verdict})
	region, picked := pickedRegion(br.settings)
	if !picked {
		region = conversation.UsableRegion(guess)
	}
	opts := reply.Options{Lang: lang, Region: region, RegionFinal: true}
	full := b.Replies.RenderHTML(verdict, opts)
	rendered := full
	if !br.degraded {
		prev, err := b.lastAnswer(ctx, chat, br)
		switch {
		case err == nil && reply.IsUpdate(prev.Verdict, verdict):
			rendered = b.Replies.Update(prev.Verdict, verdict, opts, reply.HTML)
		case err != nil && !conversation.IsNoAnswer(err):
			b.Degrade("store", err)
		}
	}
	caseID := b.moderation.CaseID(chat)
	t := b.Texts.In(rendered.Lang)
	askConsent, askRegion, settingsChanged := b.askedWithAnswer(ctx, chat, br, verdict, guess.Sure())
	var record *conversation.Answer
	if !br.degraded {
		record = answerRecord(br, conversation.Answer{Verdict: verdict, Lang: lang, Region: opts.Region, Consent: askConsent})
	}
	switch {
	case settingsChanged && br.claimed != nil && record != nil:
		// Written with the answer, in its finishing pipeline.
		br.settingsChanged = true
	case settingsChanged:
		if err := b.Store.SaveSettings(ctx, chat, br.settings); err != nil {
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
	if !b.queueAnswer(ctx, chat, br, params, caseID, record) {
		// Forgotten or taken over while it was made: another replica
		// answers, or nobody should.
		return
	}
	if askRegion {
		b.askRegion(chat, rendered.Lang, guess)
	}
	b.Metrics.Verdicts.WithLabelValues(string(verdict.Level)).Inc()
	b.moderation.ShareConsented(ctx, chat, caseID, verdict, br.settings.ShareConsent)
	switch {
	case verdict.Level != classifier.LevelScam:
	case br.guardiansRead && br.user == chat: // read for the chat's user
		b.guardians.AlertGuardians(ctx, chat, br.user, verdict, br.guardians)
	default:
		b.guardians.Alert(ctx, chat, br.user, verdict)
	}
}

// askedWithAnswer decides what the answer asks besides its verdict, and
// marks it asked in br.settings: consent to share, once, on the first
// warning (sharing stays off unless pressed), and the region, once, when
// the guess is not sure; and syncs the chat's menu. settingsChanged: the
// settings must be written.
func (b *Chats) askedWithAnswer(ctx context.Context, chat int64, br *burst, verdict classifier.Verdict, regionSure bool) (askConsent, askRegion, settingsChanged bool) {
	askConsent = b.Review != nil && verdict.Level != classifier.LevelNone && !br.settings.ShareConsent && !br.settings.ConsentAsked && !br.degraded
	if askConsent {
		br.settings.ConsentAsked, settingsChanged = true, true
	}
	askRegion = warns(verdict) && br.settings.Region == "" && !br.settings.RegionAsked && !regionSure && !br.degraded
	if askRegion {
		br.settings.RegionAsked, settingsChanged = true, true
	}
	if !br.degraded && br.user == chat {
		user := &models.User{ID: br.user, LanguageCode: br.userLang}
		settingsChanged = b.syncMenu(ctx, chat, user, &br.settings) || settingsChanged
	}
	return askConsent, askRegion, settingsChanged
}

// answerRecord completes a burst's answer with what a review case is built
// from (moderation's caseFromAnswer): for whom, when, and which messages it
// covered.
func answerRecord(br *burst, a conversation.Answer) *conversation.Answer {
	a.User, a.Created = br.user, time.Now()
	if len(br.window) > 0 {
		a.FirstSeq, a.LastSeq = br.window[0].Seq, br.window[len(br.window)-1].Seq
	}
	return &a
}

// queueAnswer keeps the answer's record (record, under caseID, the id its
// buttons carry; none while the store fails) and hands the answer to the
// send queue, which keeps it in Redis. A claimed burst's answer is keyed
// by the message it replies to, so that a burst answered again (its
// replica died before closing it) is not sent twice, and is queued with
// its record and the burst's close in one step (finishClaimed).
func (b *Chats) queueAnswer(ctx context.Context, chat int64, br *burst, params *tgbot.SendMessageParams, caseID string, record *conversation.Answer) (answered bool) {
	msg := sendqueue.Message{Method: "sendMessage", Params: params}
	if br.claimed != nil && br.replyTo != 0 {
		msg.Key = "answer:" + strconv.Itoa(br.replyTo)
	}
	if br.claimed != nil && record != nil {
		return b.finishClaimed(ctx, chat, br, msg, caseID, *record)
	}
	if record != nil {
		if err := b.SaveAnswer(ctx, chat, caseID, *record); err != nil {
			b.Degrade("store", err)
		}
	}
	if !b.Send.Send(chat, false, "reply", msg) {
		// The chat has too many messages waiting (or Redis failed): the
		// burst stays claimed until its lease ends and is answered again
		// then.
		br.release()
		b.Log.Warn("a burst's answer was refused by the send queue; it is answered again later", "chat", chat)
		return true
	}
	b.closer(br)()
	return true
}

// finishClaimed queues a claimed burst's answer, keeps its record and
// closes the burst in one round trip (store.Store.FinishBurst with the
// send queue's step): all of it, or nothing when the claim was lost
// meanwhile (a /forget, or a replica that took the burst over), which it
// reports.
func (b *Chats) finishClaimed(ctx context.Context, chat int64, br *burst, msg sendqueue.Message, caseID string, record conversation.Answer) (answered bool) {
	br.release() // the burst is closed, or left to its lease, by this call
	step, done, err := b.Send.Step(chat, false, "reply", msg)
	if err != nil {
		return true // dropped and counted, as Send would
	}
	if br.settingsChanged {
		// The settings the answer changed ride in the same pipeline,
		// whatever the finishing script decides (as a save before it
		// would have).
		queue, settings := step.After, br.settings
		step.After = func(ctx context.Context, pipe redis.Pipeliner) {
			if queue != nil {
				queue(ctx, pipe)
			}
			b.Store.QueueSettings(ctx, pipe, chat, settings)
		}
	}
	blob, err := conversation.EncodeAnswer(record)
	if err != nil {
		b.Log.Error("an answer cannot be encoded; its buttons will find nothing", "chat", chat, "err", err)
	}
	if !br.claimed.FirstArrived.IsZero() {
		b.Metrics.BurstLag.Observe(time.Since(br.claimed.FirstArrived).Seconds())
	}
	outcome, err := b.Store.FinishBurst(ctx, *br.claimed, b.burstWindow, caseID, blob, br.snapshot, step)
	switch {
	case errors.Is(err, store.ErrConflict) && br.resave != nil:
		// Queued and closed; another writer (an edit) saved a state
		// first: fold the burst's messages into that one now.
		done(outcome, nil)
		if err := br.resave(ctx); err != nil {
			b.Degrade("store", err)
		}
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrGone):
		done(outcome, nil) // queued and closed; nothing to save into
	case errors.Is(err, store.ErrBurstLost):
		b.Log.Info("burst taken over or forgotten while being answered; not answered here", "chat", chat)
		return false
	case errors.Is(err, store.ErrStepRefused):
		done(outcome, nil)
		b.Log.Warn("a burst's answer was refused by the send queue; it is answered again later", "chat", chat)
	case err != nil:
		// Sent from this process's memory, as Send does; the burst is
		// answered again when its lease ends.
		b.Degrade("store", err)
		done(0, err)
	default:
		done(outcome, nil)
	}
	if folded := br.claimed.Folded; folded != nil && folded.AnswersApart >= 1 && err == nil {
		// Two answers in fields of their own: into the one document, which
		// costs a third of their bytes (every second answer, after it is
		// queued).
		if err := b.Store.CompactAnswers(ctx, chat); err != nil {
			b.Degrade("store", err)
		}
	}
	return true
}

// lastAnswer is chat's latest answer: as the burst's claim read it, else
// read now.
func (b *Chats) lastAnswer(ctx context.Context, chat int64, br *burst) (conversation.Answer, error) {
	switch {
	case !br.lastRead:
		return b.LastAnswer(ctx, chat)
	case br.last == nil:
		return conversation.Answer{}, conversation.ErrNoAnswer
	}
	return conversation.DecodeAnswer(br.last)
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
	if b.editInBurst(ctx, msg) {
		return // the burst's answer is still to come, and covers the edit
	}
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
