package bot

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/store"
)

// In a group the bot earns its place by staying quiet: every text is added
// to the group's conversation, but a warning goes out only when the policy
// (groupPolicy.shouldWarn) says so, within a per-group hourly budget, and
// on-demand checks (/check, a mention) are always answered.

// groupUITexts is what the bot says in groups and about guardians, in one
// language (group_texts.yaml).
type groupUITexts struct {
	Intro               string `yaml:"intro"`
	Help                string `yaml:"help"`
	WarnScam            string `yaml:"warn_scam"`
	WarnSuspicious      string `yaml:"warn_suspicious"`
	CheckNone           string `yaml:"check_none"`
	TypeLine            string `yaml:"type_line"`
	CheckWith           string `yaml:"check_with"`
	CheckHint           string `yaml:"check_hint"`
	CheckNoText         string `yaml:"check_no_text"`
	SettingsPanel       string `yaml:"settings_panel"`
	AdminsOnly          string `yaml:"admins_only"`
	AdminCheckFailed    string `yaml:"admin_check_failed"`
	Saved               string `yaml:"saved"`
	SettingsFailed      string `yaml:"settings_failed"`
	Normal              string `yaml:"normal"`
	High                string `yaml:"high"`
	On                  string `yaml:"on"`
	Off                 string `yaml:"off"`
	Auto                string `yaml:"auto"`
	BtnNormal           string `yaml:"btn_normal"`
	BtnHigh             string `yaml:"btn_high"`
	BtnQuiet            string `yaml:"btn_quiet"`
	BtnGuardians        string `yaml:"btn_guardians"`
	GuardianInPrivate   string `yaml:"guardian_in_private"`
	GuardianIntro       string `yaml:"guardian_intro"`
	GuardianList        string `yaml:"guardian_list"`
	GuardianWards       string `yaml:"guardian_wards"`
	GuardianNone        string `yaml:"guardian_none"`
	BtnRemoveGuardian   string `yaml:"btn_remove_guardian"`
	BtnStopGuarding     string `yaml:"btn_stop_guarding"`
	GuardianAsk         string `yaml:"guardian_ask"`
	BtnAccept           string `yaml:"btn_accept"`
	BtnDecline          string `yaml:"btn_decline"`
	GuardianAccepted    string `yaml:"guardian_accepted"`
	GuardianLinked      string `yaml:"guardian_linked"`
	GuardianDeclined    string `yaml:"guardian_declined"`
	GuardianInvalid     string `yaml:"guardian_invalid"`
	GuardianSelf        string `yaml:"guardian_self"`
	GuardianTooMany     string `yaml:"guardian_too_many"`
	GuardianRemoved     string `yaml:"guardian_removed"`
	GuardianRemovedNote string `yaml:"guardian_removed_note"`
	GuardianFailed      string `yaml:"guardian_failed"`
	GuardianAlert       string `yaml:"guardian_alert"`
	GuardianAlertAdvice string `yaml:"guardian_alert_advice"`
	ScamUnknownType     string `yaml:"scam_unknown_type"`
}

//go:embed group_texts.yaml
var groupTextsYAML []byte

// groupTexts returns the group texts in lang.
func (b *Bot) groupTexts(lang string) groupUITexts {
	return b.group[catalog.NormalizeLang(lang)]
}

// fallbackWarn is the group warning budget while the store fails: at most
// one warning per group per cool-down, in this process.
func (b *Bot) fallbackWarn(chat int64) bool {
	now := time.Now()
	if last, ok := b.fallbackWarned.Load(chat); ok && now.Sub(last.(time.Time)) < b.cfg.GroupCooldown {
		return false
	}
	b.fallbackWarned.Store(chat, now)
	return true
}

// groupPolicy decides when a group hears an automatic warning. It is pure,
// so that the corpus replay measures exactly what the bot does.
type groupPolicy struct {
	// Cooldown is the least time between two warnings of one thread,
	// unless the level rises.
	Cooldown time.Duration
}

// groupMoment is what the policy looks at after a message was added.
type groupMoment struct {
	// Verdict covers the thread, the new message included.
	Verdict classifier.Verdict
	// Before is the thread's level before the new message.
	Before classifier.Level
	// Index is the new message's index in the thread; -1 for an edit.
	Index    int
	Settings store.Settings
	// WarnedAt and WarnedLevel describe the thread's last warning; zero
	// and "" when there was none.
	WarnedAt    time.Time
	WarnedLevel classifier.Level
	Now         time.Time
}

// groupThreshold is the level a group is warned at: scam, or suspicious
// for a group that chose high sensitivity.
func groupThreshold(s store.Settings) classifier.Level {
	if s.Sensitivity == "high" {
		return classifier.LevelSuspicious
	}
	return classifier.LevelScam
}

// demandRoles are the roles of a script's asks: a new one in a thread that
// is already loud is worth a new warning after the cool-down; talk about
// the story (the pretext, who called) is not.
var demandRoles = []classifier.Role{classifier.RoleMoneyMove, classifier.RolePivot, classifier.RoleLink, classifier.RoleLure}

// shouldWarn says whether the message m describes triggers a warning. The
// message must have raised the thread's level to the group's threshold or
// above, or brought a new ask of the script into a thread already there
// (the level never drops, so a benign message after a scam must not
// re-trigger it). Quiet groups and muted chats get no automatic warning.
// After a warning, the thread waits Cooldown unless the level rises.
func (p groupPolicy) shouldWarn(m groupMoment) bool {
	if m.Settings.Quiet || m.Settings.Muted || !m.Verdict.Level.AtLeast(groupThreshold(m.Settings)) {
		return false
	}
	rose := m.Verdict.Level != m.Before && m.Verdict.Level.AtLeast(m.Before)
	if !rose && !asksHere(m.Verdict, m.Index) {
		return false
	}
	if m.WarnedLevel != "" && !m.WarnedAt.IsZero() && m.Now.Sub(m.WarnedAt) < p.Cooldown {
		return m.Verdict.Level != m.WarnedLevel && m.Verdict.Level.AtLeast(m.WarnedLevel)
	}
	return true
}

// asksHere reports whether message index of the thread carries one of the
// script's asks, asserted (not warned about or negated).
func asksHere(v classifier.Verdict, index int) bool {
	if index < 0 {
		return false
	}
	for _, hit := range v.Signals {
		if hit.MessageIndex == index && hit.Act == classifier.ActAssert && hit.Weight > 0 && slices.Contains(demandRoles, hit.Role) {
			return true
		}
	}
	return false
}

// groupSpeaker says whose words a group message carries. In a family
// group every member is on the protected side, and the scammer's words
// arrive forwarded, quoted, pasted or retold by a member; none of those can
// be told apart from the member's own chat by the message's shape, so all
// of it is the other party's, as in a private chat. The classifier tells
// reported speech, questions and warnings ("beware of fake customer
// service…") apart by their wording, and a warning never raises the level.
func groupSpeaker(*models.Message) classifier.Speaker { return classifier.SpeakerOther }

// threadMessagesNone is how long a thread may grow while nothing in it
// looks like a scam before it starts afresh: a busy family group never
// goes quiet for GroupThreadGap, and weak signs scattered over a week of
// chat must not add up.
const threadMessagesNone = 60

// onGroupMessage handles a message in a group chat.
func (b *Bot) onGroupMessage(ctx context.Context, msg *models.Message, received time.Time) {
	chat := msg.Chat.ID
	switch {
	case msg.MigrateToChatID != 0:
		b.moveGroup(ctx, chat, msg.MigrateToChatID)
		return
	case msg.MigrateFromChatID != 0:
		b.moveGroup(ctx, msg.MigrateFromChatID, chat)
		return
	}
	text := messageText(msg)
	if strings.TrimSpace(text) == "" {
		return // joins, pins, photos without a caption: nothing to read
	}
	if name, arg, ok := b.command(msg, text); ok {
		if name != "" {
			b.onGroupCommand(ctx, msg, name, arg)
		}
		return
	}
	asked := b.mentioned(text)
	if asked && msg.ReplyToMessage != nil && messageText(msg.ReplyToMessage) != "" {
		b.checkOnDemand(ctx, msg, msg.ReplyToMessage)
		return
	}
	// Text quoted from another chat is a third party's words too.
	if msg.ExternalReply != nil && msg.Quote != nil && strings.TrimSpace(msg.Quote.Text) != "" {
		quoted := store.Entry{From: string(classifier.SpeakerOther), Text: msg.Quote.Text, Time: time.Unix(int64(msg.Date), 0)}
		if _, _, _, err := b.recordGroup(ctx, chat, quoted); err != nil {
			b.degrade("store", err)
		}
	}
	entry := messageEntry(msg, text, groupSpeaker(msg))
	verdict, before, conv, err := b.recordGroup(ctx, chat, entry)
	if err != nil {
		// Without the store there is no thread, cool-down or budget: judge
		// the message alone, speak only if it is loud on its own, and at
		// most once per cool-down (fallbackWarn).
		b.degrade("store", err)
		settings := store.Settings{}
		verdict = b.judgeAlone(ctx, chat, msg.From, classifier.Message{From: groupSpeaker(msg), Text: text})
		loud := b.policy().shouldWarn(groupMoment{Verdict: verdict, Before: classifier.LevelNone, Index: 0, Settings: settings, Now: time.Now()})
		if asked || loud && b.fallbackWarn(chat) {
			b.sendGroupVerdict(chat, msg.ID, msg.From, verdict, settings, !asked)
		}
		return
	}
	if asked {
		b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
		return
	}
	b.maybeWarn(ctx, chat, msg, verdict, before, int(conv.Seq-1), conv)
	b.metrics.handleTime.Observe(time.Since(received).Seconds())
}

func (b *Bot) policy() groupPolicy { return groupPolicy{Cooldown: b.cfg.GroupCooldown} }

// recordGroup adds entry to the group's thread and returns the verdict
// over it, the level before entry, and the conversation. A thread that was
// quiet for GroupThreadGap, or long without any sign, starts afresh.
func (b *Bot) recordGroup(ctx context.Context, chat int64, entry store.Entry) (classifier.Verdict, classifier.Level, store.Conversation, error) {
	verdict, conv, err := b.record(ctx, chat, entry)
	if err != nil {
		return verdict, classifier.LevelNone, conv, err
	}
	before := levelOf(conv.Verdict)
	stale := false
	if n := len(conv.Window); n >= 2 && entry.Time.Sub(conv.Window[n-2].Time) > b.cfg.GroupThreadGap {
		stale = true
	}
	if conv.Seq > threadMessagesNone && before == classifier.LevelNone {
		stale = true
	}
	if !stale {
		return verdict, before, conv, nil
	}
	if err := b.deps.Store.ForgetConversation(ctx, chat); err != nil {
		return verdict, before, conv, err
	}
	verdict, conv, err = b.record(ctx, chat, entry)
	return verdict, classifier.LevelNone, conv, err
}

// levelOf reads the level of a stored verdict; none when there is none.
func levelOf(raw []byte) classifier.Level {
	v, err := decodeVerdict(raw)
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
func (b *Bot) judgeGroup(ctx context.Context, chat int64, poster *models.User, heuristic classifier.Verdict, conv store.Conversation) classifier.Verdict {
	if heuristic.Level == "" {
		heuristic = classifier.Verdict{Level: classifier.LevelNone, FirstAlertIndex: -1}
	}
	req := b.groupRequest(chat, poster, conv.Settings)
	req.Heuristic = &heuristic
	req.Messages, req.FirstIndex = windowMessages(conv.Window)
	return b.runPipeline(ctx, chat, req)
}

// judgeAlone judges one group message by itself, while the store (and so
// the thread and the fingerprints) is out of reach.
func (b *Bot) judgeAlone(ctx context.Context, chat int64, poster *models.User, m classifier.Message) classifier.Verdict {
	req := b.groupRequest(chat, poster, store.Settings{})
	req.Messages, req.Skip = []classifier.Message{m}, skipWhileStoreFails
	return b.runPipeline(ctx, chat, req)
}

// groupRequest is what every request of a group shares: the group's
// language and region, the poster's LLM budget, the group's debounce.
func (b *Bot) groupRequest(chat int64, poster *models.User, settings store.Settings) detect.Request {
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
// script moderators confirmed is called out like a private chat's.
func (b *Bot) maybeWarn(ctx context.Context, chat int64, msg *models.Message, heuristic classifier.Verdict, before classifier.Level, index int, conv store.Conversation) {
	if conv.Settings.Quiet || conv.Settings.Muted {
		return // nothing automatic is said: no stage (no LLM call) is needed
	}
	verdict := b.judgeGroup(ctx, chat, msg.From, heuristic, conv)
	if !verdict.Level.AtLeast(groupThreshold(conv.Settings)) {
		return
	}
	moment := groupMoment{Verdict: verdict, Before: before, Index: index, Settings: conv.Settings,
		WarnedAt: conv.WarnedAt, Now: time.Now()}
	if !conv.WarnedAt.IsZero() {
		level, err := b.deps.Store.WarnedLevel(ctx, chat)
		if err != nil {
			b.degrade("store", err)
		}
		moment.WarnedLevel = classifier.Level(level)
		// The stored level is the heuristics'; the group may have heard a
		// higher one (a fingerprint, the LLM). A level it has heard is not
		// a rise, or every message of a known script would be one.
		if moment.WarnedLevel.AtLeast(moment.Before) {
			moment.Before = moment.WarnedLevel
		}
	}
	if !b.policy().shouldWarn(moment) {
		return
	}
	b.warnGroup(ctx, chat, msg.ID, msg.From, verdict, conv.Settings)
}

// warnGroup sends an automatic warning within the group's hourly budget
// and records it for the cool-down.
func (b *Bot) warnGroup(ctx context.Context, chat int64, replyTo int, poster *models.User, verdict classifier.Verdict, settings store.Settings) {
	allowed, err := b.deps.Store.AllowGroupWarning(ctx, chat, b.cfg.GroupWarningsPerHour)
	if err != nil {
		// Without the store there is no budget or cool-down to count
		// against: this process keeps one warning per group per cool-down,
		// so a scam is still called out and an outage cannot make noise.
		b.degrade("store", err)
		allowed = b.fallbackWarn(chat)
	}
	if !allowed {
		b.log.Info("group warning budget spent; warning not sent", "chat", chat)
		return
	}
	b.sendGroupVerdict(chat, replyTo, poster, verdict, settings, true)
	if err := b.deps.Store.MarkGroupWarned(ctx, chat, time.Now(), string(verdict.Level)); err != nil {
		b.degrade("store", err)
	}
	if settings.Guardians && verdict.Level == classifier.LevelScam && poster != nil {
		b.alertGuardians(ctx, chat, poster.ID, verdict)
	}
}

// sendGroupVerdict queues the compact warning (or check answer), replying
// to replyTo and addressed to who.
func (b *Bot) sendGroupVerdict(chat int64, replyTo int, who *models.User, verdict classifier.Verdict, settings store.Settings, automatic bool) {
	what := "check"
	if automatic {
		what = "warning"
	}
	b.sendText(chat, true, what, b.compactWarning(verdict, settings, who), replyTo)
	b.metrics.verdicts.WithLabelValues(string(verdict.Level)).Inc()
}

// compactWarning is the group form of a check reply: who it is for, the
// headline, the scam type, what the real company never does, and where to
// check. Everything from outside texts is escaped.
func (b *Bot) compactWarning(v classifier.Verdict, s store.Settings, who *models.User) string {
	lang := s.Language
	if lang == "" {
		lang = v.Language
	}
	lang = catalog.NormalizeLang(lang)
	t := b.groupTexts(lang)
	var lines []string
	head := t.CheckNone
	switch v.Level {
	case classifier.LevelScam:
		head = t.WarnScam
	case classifier.LevelSuspicious:
		head = t.WarnSuspicious
	}
	if who != nil {
		head = mention(who) + " " + head
	}
	lines = append(lines, head)
	if v.Level != classifier.LevelNone {
		if st, ok := b.deps.Catalog.ScamType(v.Type); ok {
			lines = append(lines, fmt.Sprintf(t.TypeLine, html.EscapeString(st.Names.In(lang))))
			if never := st.NeverDoes.In(lang); len(never) > 0 {
				lines = append(lines, html.EscapeString(never[0]))
			}
		}
	}
	if channels := verifyLine(b.deps.Catalog.VerifyVia(v.Brand, v.Type, lang, s.Region)); channels != "" {
		lines = append(lines, fmt.Sprintf(t.CheckWith, channels))
	}
	return strings.Join(lines, "\n")
}

// maxVerifyItems bounds the channels of a compact warning.
const maxVerifyItems = 3

// verifyLine writes the first channels to check with on one line.
func verifyLine(items []catalog.Verify) string {
	var parts []string
	for _, item := range items {
		if len(parts) == maxVerifyItems {
			break
		}
		switch {
		case item.Kind == catalog.VerifyAdvice:
			parts = append(parts, html.EscapeString(item.Value))
		case item.Name != "":
			parts = append(parts, html.EscapeString(item.Name)+" <b>"+html.EscapeString(item.Value)+"</b>")
		default:
			parts = append(parts, "<b>"+html.EscapeString(item.Value)+"</b>")
		}
	}
	return strings.Join(parts, " · ")
}

// mention links a user by id, so Telegram notifies them even without a
// @username.
func mention(u *models.User) string {
	return `<a href="tg://user?id=` + strconv.FormatInt(u.ID, 10) + `">` + html.EscapeString(displayName(u)) + "</a>"
}

// displayName is how a user is called: first name, else @username.
func displayName(u *models.User) string {
	name := strings.TrimSpace(strings.TrimSpace(u.FirstName + " " + u.LastName))
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	if name == "" {
		name = strconv.FormatInt(u.ID, 10)
	}
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64])
	}
	return name
}

// mentioned reports whether text mentions the bot by @username.
func (b *Bot) mentioned(text string) bool {
	if b.username == "" {
		return false
	}
	lower, handle := strings.ToLower(text), "@"+strings.ToLower(b.username)
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

// onGroupCommand handles the commands of a group. Commands the bot does
// not know get no answer: in a group another bot may own them.
func (b *Bot) onGroupCommand(ctx context.Context, msg *models.Message, name, arg string) {
	chat := msg.Chat.ID
	switch name {
	case "check":
		if msg.ReplyToMessage != nil {
			b.checkOnDemand(ctx, msg, msg.ReplyToMessage)
			return
		}
		b.checkThread(ctx, msg)
	case "settings":
		settings := b.settings(ctx, chat)
		t := b.groupTexts(uiLang(settings, msg.From))
		switch admin, err := b.isAdmin(ctx, chat, msg); {
		case err != nil:
			b.log.Warn("getChatMember failed", "chat", chat, "err", err)
			b.sendText(chat, true, "settings", t.AdminCheckFailed, msg.ID)
		case !admin:
			b.sendText(chat, true, "settings", t.AdminsOnly, msg.ID)
		default:
			b.queue(chat, true, "settings", &tgbot.SendMessageParams{ChatID: chat, Text: b.settingsPanel(settings, t),
				ParseMode: models.ParseModeHTML, ReplyMarkup: b.settingsKeyboard(settings, t)})
		}
	case "start", "help":
		t := b.groupTexts(uiLang(b.settings(ctx, chat), msg.From))
		b.sendText(chat, true, "help", t.Help, msg.ID)
	case "guardian":
		t := b.groupTexts(uiLang(b.settings(ctx, chat), msg.From))
		b.sendText(chat, true, "guardian", fmt.Sprintf(t.GuardianInPrivate, html.EscapeString(b.username)), msg.ID)
	}
}

// checkOnDemand answers /check (or a mention) on target, a message of the
// group: its verdict covers the thread up to now, and target is added to
// the thread first when the bot has not seen it (privacy mode).
func (b *Bot) checkOnDemand(ctx context.Context, msg, target *models.Message) {
	chat := msg.Chat.ID
	text := messageText(target)
	if strings.TrimSpace(text) == "" {
		t := b.groupTexts(uiLang(b.settings(ctx, chat), msg.From))
		b.sendText(chat, true, "check", t.CheckNoText, msg.ID)
		return
	}
	conv, err := b.deps.Store.Load(ctx, chat)
	if err != nil {
		b.degrade("store", err)
		verdict := b.judgeAlone(ctx, chat, msg.From, classifier.Message{From: groupSpeaker(target), Text: text})
		b.sendGroupVerdict(chat, msg.ID, msg.From, verdict, store.Settings{}, false)
		return
	}
	seen := slices.ContainsFunc(conv.Window, func(e store.Entry) bool { return e.ID == int64(target.ID) })
	var verdict classifier.Verdict
	if seen && conv.Verdict != nil {
		if err := json.Unmarshal(conv.Verdict, &verdict); err != nil {
			b.log.Error("decode stored verdict", "chat", chat, "err", err)
		}
	} else {
		entry := messageEntry(target, text, groupSpeaker(target))
		if verdict, _, conv, err = b.recordGroup(ctx, chat, entry); err != nil {
			b.degrade("store", err)
		}
	}
	b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
}

// checkThread answers /check sent without a reply: the thread so far, or
// how to use /check when there is none.
func (b *Bot) checkThread(ctx context.Context, msg *models.Message) {
	chat := msg.Chat.ID
	conv, err := b.deps.Store.Load(ctx, chat)
	if err != nil {
		b.degrade("store", err)
	}
	var verdict classifier.Verdict
	if err != nil || conv.Verdict == nil || json.Unmarshal(conv.Verdict, &verdict) != nil {
		t := b.groupTexts(uiLang(conv.Settings, msg.From))
		b.sendText(chat, true, "check", t.CheckHint, msg.ID)
		return
	}
	b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
}

// answerCheck answers an on-demand check, whatever the level; a loud
// answer counts as the thread's warning, so no automatic one repeats it.
func (b *Bot) answerCheck(ctx context.Context, chat int64, replyTo int, asker *models.User, verdict classifier.Verdict, settings store.Settings) {
	if verdict.Level == "" {
		verdict.Level = classifier.LevelNone
	}
	b.sendGroupVerdict(chat, replyTo, asker, verdict, settings, false)
	if verdict.Level.AtLeast(classifier.LevelSuspicious) {
		if err := b.deps.Store.MarkGroupWarned(ctx, chat, time.Now(), string(verdict.Level)); err != nil {
			b.degrade("store", err)
		}
	}
}

// onGroupEdited re-checks a group's thread after an edit; the group hears
// about it only when the edit raised the level to its threshold.
func (b *Bot) onGroupEdited(ctx context.Context, msg *models.Message) {
	text := messageText(msg)
	if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "/") {
		return
	}
	chat := msg.Chat.ID
	entry := messageEntry(msg, text, groupSpeaker(msg))
	before, after, err := b.edit(ctx, chat, entry)
	if errors.Is(err, store.ErrNotInWindow) {
		return
	}
	if err != nil {
		b.degrade("store", err)
		return
	}
	conv, err := b.deps.Store.Load(ctx, chat)
	if err != nil {
		b.degrade("store", err)
		return
	}
	// An edit brings no new ask of its own (index -1): only a rise counts.
	b.maybeWarn(ctx, chat, msg, after, levelOrNone(before.Level), -1, conv)
}

// moveGroup moves a group's state to the supergroup it became.
func (b *Bot) moveGroup(ctx context.Context, from, to int64) {
	moved, err := b.deps.Store.MoveChat(ctx, from, to)
	if err != nil {
		b.degrade("store", err)
		return
	}
	if moved {
		b.log.Info("group upgraded to a supergroup; state moved", "from", from, "to", to)
	}
}

// onMembership handles the bot being added to or removed from a chat: a
// group it joins gets one introduction; a group it leaves is forgotten.
func (b *Bot) onMembership(ctx context.Context, m *models.ChatMemberUpdated) {
	if m.Chat.Type == models.ChatTypePrivate || m.Chat.Type == models.ChatTypeChannel ||
		b.deps.ModChat != 0 && m.Chat.ID == b.deps.ModChat {
		return // the moderators' group is not a family to introduce oneself to
	}
	chat := m.Chat.ID
	was, now := isInChat(m.OldChatMember), isInChat(m.NewChatMember)
	switch {
	case !was && now:
		settings := b.settings(ctx, chat)
		t := b.groupTexts(uiLang(settings, &m.From))
		b.sendText(chat, true, "intro", t.Intro, 0)
	case was && !now:
		if _, err := b.deps.Store.ForgetGroup(ctx, chat); err != nil {
			b.log.Error("forget a group the bot left", "chat", chat, "err", err)
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

// isAdmin asks Telegram whether msg's sender administers chat. An
// anonymous admin posts as the group itself.
func (b *Bot) isAdmin(ctx context.Context, chat int64, msg *models.Message) (bool, error) {
	if msg.SenderChat != nil && msg.SenderChat.ID == chat {
		return true, nil
	}
	if msg.From == nil {
		return false, nil
	}
	return b.isAdminUser(ctx, chat, msg.From.ID)
}

func (b *Bot) isAdminUser(ctx context.Context, chat, user int64) (bool, error) {
	member, err := b.api.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: chat, UserID: user})
	if err != nil {
		return false, err
	}
	return member.Owner != nil || member.Administrator != nil, nil
}

// settingsPanel shows a group's settings.
func (b *Bot) settingsPanel(s store.Settings, t groupUITexts) string {
	onOff := func(on bool) string {
		if on {
			return t.On
		}
		return t.Off
	}
	sensitivity := t.Normal
	if s.Sensitivity == "high" {
		sensitivity = t.High
	}
	language := t.Auto
	for _, c := range languageChoices {
		if c[0] == s.Language && c[1] != "" {
			language = c[1]
		}
	}
	region := t.Auto
	if s.Region != "" {
		region = html.EscapeString(s.Region)
	}
	return fmt.Sprintf(t.SettingsPanel, sensitivity, language, region, onOff(s.Quiet), onOff(s.Guardians))
}

// settingsKeyboard is the /settings keyboard: callback data
// "set:<setting>:<value>", the chat is the message's.
func (b *Bot) settingsKeyboard(s store.Settings, t groupUITexts) *models.InlineKeyboardMarkup {
	mark := func(label string, chosen bool) string {
		if chosen {
			return "✅ " + label
		}
		return label
	}
	onOff := func(on bool) (string, string) {
		if on {
			return t.On, "0"
		}
		return t.Off, "1"
	}
	var langs []models.InlineKeyboardButton
	for _, c := range languageChoices {
		label := c[1]
		if c[0] == "auto" {
			label = t.Auto
		}
		chosen := c[0] == s.Language || c[0] == "auto" && s.Language == ""
		langs = append(langs, models.InlineKeyboardButton{Text: mark(label, chosen), CallbackData: "set:lang:" + c[0]})
	}
	var regions [][]models.InlineKeyboardButton
	row := []models.InlineKeyboardButton{{Text: mark(t.Auto, s.Region == ""), CallbackData: "set:region:auto"}}
	for _, region := range b.deps.Catalog.Regions() {
		if len(row) == 5 {
			regions = append(regions, row)
			row = nil
		}
		row = append(row, models.InlineKeyboardButton{Text: mark(region, s.Region == region), CallbackData: "set:region:" + region})
	}
	regions = append(regions, row)
	quietLabel, quietNext := onOff(s.Quiet)
	guardLabel, guardNext := onOff(s.Guardians)
	keyboard := [][]models.InlineKeyboardButton{
		{
			{Text: mark(t.BtnNormal, s.Sensitivity != "high"), CallbackData: "set:sens:normal"},
			{Text: mark(t.BtnHigh, s.Sensitivity == "high"), CallbackData: "set:sens:high"},
		},
		langs,
	}
	keyboard = append(keyboard, regions...)
	keyboard = append(keyboard, []models.InlineKeyboardButton{
		{Text: fmt.Sprintf(t.BtnQuiet, quietLabel), CallbackData: "set:quiet:" + quietNext},
		{Text: fmt.Sprintf(t.BtnGuardians, guardLabel), CallbackData: "set:grd:" + guardNext},
	})
	return &models.InlineKeyboardMarkup{InlineKeyboard: keyboard}
}

// applySetting changes one setting from a button's "<setting>:<value>";
// false when the data names no valid choice.
func (b *Bot) applySetting(s *store.Settings, rest string) bool {
	setting, value, _ := strings.Cut(rest, ":")
	switch setting {
	case "sens":
		if value != "normal" && value != "high" {
			return false
		}
		s.Sensitivity = ""
		if value == "high" {
			s.Sensitivity = "high"
		}
	case "lang":
		if !slices.ContainsFunc(languageChoices, func(c [2]string) bool { return c[0] == value }) {
			return false
		}
		s.Language = value
		if value == "auto" {
			s.Language = ""
		}
	case "region":
		switch {
		case value == "auto":
			s.Region = ""
		case slices.Contains(b.deps.Catalog.Regions(), value):
			s.Region = value
		default:
			return false
		}
	case "quiet":
		s.Quiet = value == "1"
	case "grd":
		s.Guardians = value == "1"
	default:
		return false
	}
	return true
}

// onSettingsButton handles a press on the group /settings keyboard
// (callback data "set:<rest>") and returns the note shown to the presser.
// Only the group's admins may change settings (asked of Telegram on every
// press: admins change); the panel is then redrawn with the new values.
func (b *Bot) onSettingsButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	m := q.Message.Message
	if m == nil || m.Chat.Type == models.ChatTypePrivate {
		return ""
	}
	chat := m.Chat.ID
	settings := b.settings(ctx, chat)
	t := b.groupTexts(uiLang(settings, &q.From))
	admin, err := b.isAdminUser(ctx, chat, q.From.ID)
	if err != nil {
		b.log.Warn("getChatMember failed", "chat", chat, "err", err)
		return t.AdminCheckFailed
	}
	if !admin {
		return t.AdminsOnly
	}
	if !b.applySetting(&settings, rest) {
		return ""
	}
	if err := b.deps.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.degrade("store", err)
		return t.SettingsFailed
	}
	t = b.groupTexts(uiLang(settings, &q.From))
	params := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: m.ID, Text: b.settingsPanel(settings, t),
		ParseMode: models.ParseModeHTML, ReplyMarkup: b.settingsKeyboard(settings, t)}
	b.outbox.send(chat, true, "settings", func(ctx context.Context) error {
		_, err := b.api.EditMessageText(ctx, params)
		return err
	})
	return t.Saved
}
