// Package group is the bot in family groups and the guardians: it keeps
// each group's thread, warns when the policy says so (policy.go), answers
// /check and mentions (check.go), keeps the admins' settings (settings.go),
// and links users with the guardians who hear about their scams
// (guardian.go). Warnings are rendered by reply.GroupWarning.
package group

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/store"
)

// In a group the bot earns its place by staying quiet: every text is added
// to the group's conversation, but a warning goes out only when the policy
// (groupPolicy.shouldWarn) says so, within a per-group hourly budget, and
// on-demand checks (/check, a mention) are always answered.

// Config is how often a group may be warned and when its thread starts
// afresh; the zero value of a field means its default.
type Config struct {
	// Cooldown is the least time between two automatic warnings about
	// one scam (type and brand) in a group, unless the level rises.
	Cooldown time.Duration
	// WarningsPerHour caps the automatic warnings one group gets in an
	// hour, whatever else happens.
	WarningsPerHour int
	// ThreadGap is the quiet time after which a group's next message
	// starts a new conversation thread.
	ThreadGap time.Duration
	// Screenshots reads the pictures members post (media.go); nil leaves
	// them unread.
	Screenshots *media.Pages
}

// withDefaults fills in the fields left zero.
func (c Config) withDefaults() Config {
	if c.Cooldown <= 0 {
		c.Cooldown = 10 * time.Minute
	}
	if c.WarningsPerHour <= 0 {
		c.WarningsPerHour = 6
	}
	if c.ThreadGap <= 0 {
		c.ThreadGap = 2 * time.Hour
	}
	return c
}

// Groups is the bot in groups.
type Groups struct {
	*conversation.Room
	cfg       Config
	texts     texts
	guardians *Guardians
	// fallbackWarned is when each group was last warned while the store
	// failed (chat → time.Time); see fallbackWarn.
	fallbackWarned sync.Map
	// warnedAlbums is the album (media group id) each group was last
	// warned about (chat → string); see onGroupMedia.
	warnedAlbums sync.Map
}

// New builds the group room and the guardians it alerts.
func New(room *conversation.Room, cfg Config) (*Groups, *Guardians, error) {
	t, err := loadTexts()
	if err != nil {
		return nil, nil, err
	}
	guardians := &Guardians{Room: room, texts: t}
	return &Groups{Room: room, cfg: cfg.withDefaults(), texts: t, guardians: guardians}, guardians, nil
}

// fallbackWarn is the group warning budget while the store fails: at most
// one warning per group per cool-down, in this process. Without the thread
// each message is judged alone, and the steps of one script read alone
// have different kinds: the per-scam cool-down needs the store.
func (b *Groups) fallbackWarn(chat int64) bool {
	now := time.Now()
	if last, ok := b.fallbackWarned.Load(chat); ok && now.Sub(last.(time.Time)) < b.cfg.Cooldown {
		return false
	}
	b.fallbackWarned.Store(chat, now)
	return true
}

// OnMessage handles a message in a group chat.
func (b *Groups) OnMessage(ctx context.Context, msg *models.Message, received time.Time) {
	chat := msg.Chat.ID
	switch {
	case msg.MigrateToChatID != 0:
		b.moveGroup(ctx, chat, msg.MigrateToChatID)
		return
	case msg.MigrateFromChatID != 0:
		b.moveGroup(ctx, msg.MigrateFromChatID, chat)
		return
	}
	text := conversation.MessageText(msg)
	if strings.TrimSpace(text) == "" {
		b.onGroupMedia(ctx, msg, false, received)
		return // joins, pins: nothing to read
	}
	if name, arg, ok := b.Command(text); ok {
		if name != "" {
			b.onCommand(ctx, msg, name, arg)
		}
		return
	}
	asked := b.mentioned(text)
	if b.onGroupMedia(ctx, msg, asked, received) {
		return // a captioned picture: its turns, then the caption
	}
	if asked && msg.ReplyToMessage == nil && b.Intents.IsGreeting(b.withoutMention(text)) {
		// "@bot 你好" asks how to use the bot, not whether hello is a scam.
		t := b.texts.in(conversation.UILang(b.Settings(ctx, chat), msg.From))
		b.SendText(chat, true, "help", t.Help, msg.ID)
		return
	}
	if asked && msg.ReplyToMessage != nil && conversation.MessageText(msg.ReplyToMessage) != "" {
		b.checkOnDemand(ctx, msg, msg.ReplyToMessage)
		return
	}
	// Text quoted from another chat is a third party's words too.
	if msg.ExternalReply != nil && msg.Quote != nil && strings.TrimSpace(msg.Quote.Text) != "" {
		quoted := store.Entry{From: string(classifier.SpeakerOther), Text: msg.Quote.Text, Time: time.Unix(int64(msg.Date), 0)}
		if _, _, _, err := b.recordGroup(ctx, chat, quoted); err != nil {
			b.Degrade("store", err)
		}
	}
	entry := conversation.MessageEntry(msg, text, groupSpeaker(msg))
	verdict, before, conv, err := b.recordGroup(ctx, chat, entry)
	if err != nil {
		// Without the store there is no thread, cool-down or budget: judge
		// the message alone, speak only if it is loud on its own, and at
		// most once per cool-down (fallbackWarn).
		b.Degrade("store", err)
		settings := store.Settings{}
		verdict = b.judgeAlone(ctx, chat, msg.From, classifier.Message{From: groupSpeaker(msg), Text: text})
		loud := b.policy().shouldWarn(groupMoment{Verdict: verdict, Before: classifier.LevelNone, Index: 0, Settings: settings, Now: time.Now()})
		if asked || loud && b.fallbackWarn(chat) {
			b.sendGroupVerdict(chat, msg.ID, msg.From, verdict, settings, !asked, "")
		}
		return
	}
	if asked {
		b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
		return
	}
	b.maybeWarn(ctx, chat, msg, verdict, before, int(conv.Seq-1), conv)
	b.Metrics.HandleTime.Observe(time.Since(received).Seconds())
}

func (b *Groups) policy() groupPolicy { return groupPolicy{Cooldown: b.cfg.Cooldown} }

// recordGroup adds entry to the group's thread and returns the verdict
// over it, the level before entry, and the conversation. A thread that was
// quiet for GroupThreadGap, or long without any sign, starts afresh.
func (b *Groups) recordGroup(ctx context.Context, chat int64, entry store.Entry) (classifier.Verdict, classifier.Level, store.Conversation, error) {
	verdict, conv, err := b.Record(ctx, chat, entry)
	if err != nil {
		return verdict, classifier.LevelNone, conv, err
	}
	before := levelOf(conv.Verdict)
	stale := false
	if n := len(conv.Window); n >= 2 && entry.Time.Sub(conv.Window[n-2].Time) > b.cfg.ThreadGap {
		stale = true
	}
	if conv.Seq > threadMessagesNone && before == classifier.LevelNone {
		stale = true
	}
	if !stale {
		return verdict, before, conv, nil
	}
	if err := b.Store.ForgetConversation(ctx, chat); err != nil {
		return verdict, before, conv, err
	}
	verdict, conv, err = b.Record(ctx, chat, entry)
	return verdict, classifier.LevelNone, conv, err
}

// levelOf reads the level of a stored verdict; none when there is none.
func levelOf(raw []byte) classifier.Level {
	v, err := conversation.DecodeVerdict(raw)
	if err != nil {
		return classifier.LevelNone
	}
	return levelOrNone(v.Level)
}

// levelOrNone is level, or none for a verdict never stored.
func levelOrNone(level classifier.Level) classifier.Level {
	if level == "" {
		return classifier.LevelNone
	}
	return level
}

// judgeGroup runs a group's thread through the detection pipeline, as a
// private chat's burst is: heuristic is the classifier's verdict over the
// thread, conv the thread as stored (its window is what the fingerprints
// and the LLM read); poster's budget pays for an LLM call.
func (b *Groups) judgeGroup(ctx context.Context, chat int64, poster *models.User, heuristic classifier.Verdict, conv store.Conversation) classifier.Verdict {
	if heuristic.Level == "" {
		heuristic = classifier.Verdict{Level: classifier.LevelNone, FirstAlertIndex: -1}
	}
	req := b.groupRequest(chat, poster, conv.Settings)
	req.Heuristic = &heuristic
	req.Messages, req.FirstIndex = conversation.WindowMessages(conv.Window)
	return b.Detect(ctx, chat, req)
}

// judgeAlone judges one group message by itself, while the store (and so
// the thread and the fingerprints) is out of reach.
func (b *Groups) judgeAlone(ctx context.Context, chat int64, poster *models.User, m classifier.Message) classifier.Verdict {
	req := b.groupRequest(chat, poster, store.Settings{})
	req.Messages, req.Skip = []classifier.Message{m}, conversation.SkipWhileStoreFails
	return b.Detect(ctx, chat, req)
}

// groupRequest is what every request of a group shares: the group's
// language and region, the poster's LLM budget, the group's debounce.
func (b *Groups) groupRequest(chat int64, poster *models.User, settings store.Settings) detect.Request {
	req := detect.Request{Lang: settings.Language, Region: settings.Region, Conversation: strconv.FormatInt(chat, 10)}
	if req.Lang == "" {
		req.Lang = "auto"
	}
	if poster != nil {
		req.User = strconv.FormatInt(poster.ID, 10)
	}
	return req
}

// maybeWarn sends the automatic warning when the policy and the group's
// budget allow it. heuristic is the classifier's verdict over the thread
// (the stored one), before the thread's heuristic level before the
// message; index is the message's index in the thread (-1 for an edit).
// The warning is decided on the pipeline's verdict (judgeGroup), so a
// script moderators confirmed is called out like a private chat's. It
// reports whether a warning was due (sent, or held back by the budget).
func (b *Groups) maybeWarn(ctx context.Context, chat int64, msg *models.Message, heuristic classifier.Verdict, before classifier.Level, index int, conv store.Conversation) bool {
	if conv.Settings.Quiet || conv.Settings.Muted {
		return false // nothing automatic is said: no stage (no LLM call) is needed
	}
	verdict := b.judgeGroup(ctx, chat, msg.From, heuristic, conv)
	if !verdict.Level.AtLeast(groupThreshold(conv.Settings)) {
		return false
	}
	warned, err := b.Store.GroupWarnings(ctx, chat, b.cfg.Cooldown)
	if err != nil {
		b.Degrade("store", err)
	}
	moment := groupMoment{Verdict: verdict, Before: before, Index: index, Settings: conv.Settings, Now: time.Now()}
	last, cooling := warnedAbout(warned, verdict)
	if !cooling && !conv.WarnedAt.IsZero() {
		// The thread was warned about a kind its verdict has moved on
		// from: the same script, read further (its type refined). A
		// different scam in the thread is found by anotherScam.
		level, err := b.Store.WarnedLevel(ctx, chat)
		if err != nil {
			b.Degrade("store", err)
		}
		last, cooling = store.GroupWarning{At: conv.WarnedAt, Level: level}, true
	}
	if cooling {
		moment.WarnedAt, moment.WarnedLevel = last.At, classifier.Level(last.Level)
		// The stored level is the heuristics'; the group may have heard a
		// higher one (a fingerprint, the LLM). A level it has heard is not
		// a rise, or every message of a known script would be one.
		if moment.WarnedLevel.AtLeast(moment.Before) {
			moment.Before = moment.WarnedLevel
		}
	}
	if b.policy().shouldWarn(moment) {
		b.warnGroup(ctx, chat, msg.ID, msg.From, verdict, conv.Settings)
		return true
	}
	if cooling && index >= 0 {
		if other, ok := b.anotherScam(ctx, chat, msg, index, conv.Settings, warned, verdict); ok {
			b.warnGroup(ctx, chat, msg.ID, msg.From, other, conv.Settings)
			return true
		}
	}
	return false
}

// anotherScam judges a message by itself while its thread cools down
// after a warning. The thread's verdict stays with the script it first
// found, so a different scam pasted into the same thread shows only in
// the message's own verdict; it is warned about unless the group heard of
// that scam (type and brand) within the cool-down. A message has to be a
// scam on its own, of another type than the thread's, and tell a story of
// its own (storyOf): one step of the thread's script read alone (the gift
// cards, the loan) often names another brand or a narrower type, and is
// not news. Only such a message pays for the pipeline (and its LLM call).
func (b *Groups) anotherScam(ctx context.Context, chat int64, msg *models.Message, index int, settings store.Settings, warned map[string]store.GroupWarning, thread classifier.Verdict) (classifier.Verdict, bool) {
	message := classifier.Message{From: groupSpeaker(msg), Text: conversation.MessageText(msg)}
	state := classifier.NewState()
	b.Classifier.Observe(state, message)
	alone := b.Classifier.Verdict(state)
	if alone.Level != classifier.LevelScam || alone.Type == "" || alone.Type == thread.Type || !newStory(alone, thread, index) {
		return alone, false
	}
	if _, heard := warnedAbout(warned, alone); heard {
		return alone, false
	}
	req := b.groupRequest(chat, msg.From, settings)
	req.Heuristic, req.Messages = &alone, []classifier.Message{message}
	verdict := b.Detect(ctx, chat, req)
	return verdict, verdict.Level.AtLeast(groupThreshold(settings))
}

// newStory reports whether the message judged alone (alone) claims to be
// someone or tells a pretext that the thread's earlier messages did not:
// a new caller or story is a new script, while the thread's own story
// retold ("以免影响理赔进度") goes with the steps of the old one.
func newStory(alone, thread classifier.Verdict, index int) bool {
	told := map[string]bool{}
	for _, hit := range thread.Signals {
		if hit.MessageIndex != index && isStory(hit) {
			told[hit.Signal] = true
		}
	}
	for _, hit := range alone.Signals {
		if isStory(hit) && !told[hit.Signal] {
			return true
		}
	}
	return false
}

// isStory reports whether hit is who the other party claims to be or
// their pretext, asserted.
func isStory(hit classifier.Hit) bool {
	return hit.Act == classifier.ActAssert && hit.Weight > 0 && (hit.Role == classifier.RoleImpersonation || hit.Role == classifier.RolePretext)
}

// warnGroup sends an automatic warning within the group's hourly budget
// and records it for the cool-down.
func (b *Groups) warnGroup(ctx context.Context, chat int64, replyTo int, poster *models.User, verdict classifier.Verdict, settings store.Settings) {
	allowed, err := b.Store.AllowGroupWarning(ctx, chat, b.cfg.WarningsPerHour)
	if err != nil {
		// Without the store there is no budget or cool-down to count
		// against: this process keeps one warning per group per cool-down,
		// so a scam is still called out and an outage cannot make noise.
		b.Degrade("store", err)
		allowed = b.fallbackWarn(chat)
	}
	if !allowed {
		b.Log.Info("group warning budget spent; warning not sent", "chat", chat)
		return
	}
	// Another replica deciding on the same group at the same moment may
	// have warned about this scam already: one claim per kind and level.
	claimed, err := b.Store.ClaimGroupWarning(ctx, chat, scamKind(verdict), string(verdict.Level), time.Now(), b.cfg.Cooldown)
	if err != nil {
		b.Degrade("store", err)
		claimed = true // the budget above already limits an outage's noise
	}
	if !claimed {
		return
	}
	b.sendGroupVerdict(chat, replyTo, poster, verdict, settings, true, "")
	// The claim recorded the kind's cool-down; this marks the thread's
	// warning only (a cool-down of 0 leaves the kinds alone).
	if err := b.Store.MarkGroupWarned(ctx, chat, scamKind(verdict), time.Now(), string(verdict.Level), 0); err != nil {
		b.Degrade("store", err)
	}
	if settings.Guardians && verdict.Level == classifier.LevelScam && poster != nil {
		b.guardians.Alert(ctx, chat, poster.ID, verdict)
	}
}

// sendGroupVerdict queues the group warning (or check answer), replying
// to replyTo and addressed to who, with note (HTML) below it when not empty.
func (b *Groups) sendGroupVerdict(chat int64, replyTo int, who *models.User, verdict classifier.Verdict, settings store.Settings, automatic bool, note string) {
	what := "check"
	if automatic {
		what = "warning"
	}
	// The group's region, else a usable guess from the poster's Telegram
	// language and the verdict: the channels are never another region's.
	// The decision is final: with no usable guess the warning shows no
	// region's lines rather than the script's guess (a Hong Kong family's
	// Simplified scam is no reason to show mainland banks).
	where := conversation.Where{Setting: settings.Region, Verdict: verdict}
	if who != nil {
		where.LanguageCode = who.LanguageCode
	}
	region := conversation.UsableRegion(b.RegionOf(where))
	text := b.Replies.GroupWarning(verdict, reply.GroupOptions{Lang: settings.Language, Region: region, RegionFinal: true, Who: person(who)})
	if note != "" {
		text += "\n" + note
	}
	b.SendText(chat, true, what, text, replyTo)
	b.Metrics.Verdicts.WithLabelValues(string(verdict.Level)).Inc()
}

// person is whom a group verdict is addressed to.
func person(u *models.User) *reply.Person {
	if u == nil {
		return nil
	}
	return &reply.Person{ID: u.ID, Name: conversation.DisplayName(u)}
}

// withoutMention is text with every @username of the bot taken out.
func (b *Groups) withoutMention(text string) string {
	if b.Username == "" {
		return text
	}
	handle := regexp.MustCompile(`(?i)@` + regexp.QuoteMeta(b.Username) + `\b`)
	return strings.TrimSpace(handle.ReplaceAllString(text, " "))
}

// mentioned reports whether text mentions the bot by @username.
func (b *Groups) mentioned(text string) bool {
	if b.Username == "" {
		return false
	}
	lower, handle := strings.ToLower(text), "@"+strings.ToLower(b.Username)
	for i := strings.Index(lower, handle); i >= 0; {
		end := i + len(handle)
		if end == len(lower) || !isNameByte(lower[end]) {
			return true
		}
		next := strings.Index(lower[end:], handle)
		if next < 0 {
			break
		}
		i = end + next
	}
	return false
}

func isNameByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }

// OnEdited re-checks a group's thread after an edit; the group hears
// about it only when the edit raised the level to its threshold.
func (b *Groups) OnEdited(ctx context.Context, msg *models.Message) {
	before, after, ok := b.RecordEdit(ctx, msg, groupSpeaker(msg), false)
	if !ok {
		return
	}
	chat := msg.Chat.ID
	conv, err := b.Store.Load(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
		return
	}
	// An edit brings no new ask of its own (index -1): only a rise counts.
	b.maybeWarn(ctx, chat, msg, after, levelOrNone(before.Level), -1, conv)
}

// moveGroup moves a group's state to the supergroup it became.
func (b *Groups) moveGroup(ctx context.Context, from, to int64) {
	moved, err := b.Store.MoveChat(ctx, from, to)
	if err != nil {
		b.Degrade("store", err)
		return
	}
	if moved {
		b.Log.Info("group upgraded to a supergroup; state moved", "from", from, "to", to)
	}
}

// OnMembership handles the bot being added to or removed from a chat: a
// group it joins gets one introduction; a group it leaves is forgotten.
func (b *Groups) OnMembership(ctx context.Context, m *models.ChatMemberUpdated) {
	if m.Chat.Type == models.ChatTypePrivate || m.Chat.Type == models.ChatTypeChannel ||
		b.ModChat != 0 && m.Chat.ID == b.ModChat {
		return // the moderators' group is not a family to introduce oneself to
	}
	chat := m.Chat.ID
	was, now := isInChat(m.OldChatMember), isInChat(m.NewChatMember)
	switch {
	case !was && now:
		settings := b.Settings(ctx, chat)
		t := b.texts.in(conversation.UILang(settings, &m.From))
		b.SendText(chat, true, "intro", t.Intro, 0)
	case was && !now:
		if _, err := b.Store.ForgetGroup(ctx, chat); err != nil {
			b.Log.Error("forget a group the bot left", "chat", chat, "err", err)
		}
		if err := b.Send.Forget(ctx, chat); err != nil {
			b.Log.Error("forget the send queue of a group the bot left", "chat", chat, "err", err)
		}
	}
}

// isInChat reports whether a member status means being in the chat.
func isInChat(m models.ChatMember) bool {
	switch {
	case m.Owner != nil, m.Administrator != nil, m.Member != nil:
		return true
	case m.Restricted != nil:
		return m.Restricted.IsMember
	}
	return false
}
