package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/store"
)

// onMessage handles a new message: a command, text to check, or something
// the bot cannot read yet.
func (b *Bot) onMessage(ctx context.Context, msg *models.Message, received time.Time) {
	if msg.Chat.Type != models.ChatTypePrivate {
		if b.deps.ModChat != 0 && msg.Chat.ID == b.deps.ModChat {
			// The moderators' group is for cards and moderator commands,
			// not a family to watch.
			if name, _, ok := b.command(msg, msg.Text); ok && name != "" {
				b.onModCommand(ctx, msg, name)
			}
			return
		}
		b.onGroupMessage(ctx, msg, received)
		return
	}
	text := messageText(msg)
	if strings.TrimSpace(text) == "" {
		if b.onPrivateMedia(ctx, msg, received) {
			b.metrics.handleTime.Observe(time.Since(received).Seconds())
			return
		}
		if hasMedia(msg) {
			settings := b.settings(ctx, msg.Chat.ID)
			b.sendText(msg.Chat.ID, false, "not_text", b.texts.in(uiLang(settings, msg.From)).NotText, msg.ID)
		}
		return // a service message: nothing to say
	}
	if name, arg, ok := b.command(msg, text); ok {
		if name != "" {
			b.onCommand(ctx, msg, name, arg)
		}
		return
	}
	b.observe(ctx, msg, text, received)
	b.metrics.handleTime.Observe(time.Since(received).Seconds())
}

// messageText is what a message says: its text, or a media caption.
func messageText(msg *models.Message) string {
	if msg.Text != "" {
		return msg.Text
	}
	return msg.Caption
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

// messageEntry is msg as the conversation store keeps it.
func messageEntry(msg *models.Message, text string, from classifier.Speaker) store.Entry {
	return store.Entry{ID: int64(msg.ID), From: string(from), Text: text, Time: time.Unix(int64(msg.Date), 0)}
}

// forwardedFromHidden reports a message forwarded from a hidden account.
func forwardedFromHidden(msg *models.Message) bool {
	return msg.ForwardOrigin != nil && msg.ForwardOrigin.Type == models.MessageOriginTypeHiddenUser
}

// observe adds a message to the chat's conversation and (re)arms the burst:
// the answer goes out once the chat has been quiet for BurstWindow.
func (b *Bot) observe(ctx context.Context, msg *models.Message, text string, received time.Time) {
	entry := messageEntry(msg, text, speakerOf(msg))
	entry.Hidden = forwardedFromHidden(msg)
	b.observeEntry(ctx, msg, entry, received)
}

// observeEntry records entry (a message's text, or the turns read from a
// screenshot or a recording) and (re)arms the burst of msg's chat.
func (b *Bot) observeEntry(ctx context.Context, msg *models.Message, entry store.Entry, received time.Time) {
	chat := msg.Chat.ID
	br := b.bursts.open(chat)
	verdict, conv, err := b.record(ctx, chat, entry)
	if err != nil {
		// The store is down or slow: judge what this burst brought alone
		// rather than leave the user without an answer.
		b.degrade("store", err)
		br.degraded = true
		br.fallback = append(br.fallback, classifier.Message{From: classifier.Speaker(entry.From), Text: entry.Text, HiddenSender: entry.Hidden})
		verdict = b.deps.Classifier.Classify(ctx, classifier.Conversation{Messages: br.fallback})
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
	if b.cfg.BurstWindow == 0 || b.stopping.Load() {
		b.flush(chat, br.gen, false)
		return
	}
	if br.timer != nil {
		br.timer.Stop()
	}
	gen := br.gen
	br.timer = time.AfterFunc(b.cfg.BurstWindow, func() {
		b.lanes.add(chat, func() { b.flush(chat, gen, false) })
	})
}

// flush answers chat's burst if gen is still its latest message (or force).
func (b *Bot) flush(chat int64, gen uint64, force bool) {
	br := b.bursts.take(chat, gen, force)
	if br == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.answer(ctx, chat, br, liveQuotes(br.verdict, br.live))
}

// answer runs the burst's conversation through the detection pipeline
// (heuristic is the classifier's verdict, kept as messages arrived),
// renders the final verdict as the check reply and queues it, replying to
// the burst's last message, with the feedback buttons.
func (b *Bot) answer(ctx context.Context, chat int64, br *burst, heuristic classifier.Verdict) {
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
	rendered := b.deps.Replies.RenderHTML(verdict, reply.Options{Lang: lang, Region: br.settings.Region})
	caseID := b.draftCase(ctx, chat, br, verdict, rendered)
	t := b.texts.in(rendered.Lang)
	keyboard := [][]models.InlineKeyboardButton{{
		{Text: t.BtnHelpful, CallbackData: caseData(caseID, actionHelpful)},
		{Text: t.BtnWrong, CallbackData: caseData(caseID, actionWrong)},
	}, {
		{Text: t.BtnHuman, CallbackData: caseData(caseID, actionHuman)},
	}}
	if b.deps.Review != nil && verdict.Level != classifier.LevelNone && !br.settings.ShareConsent && !br.settings.ConsentAsked && !br.degraded {
		// Asked once, on the first warning; sharing stays off unless pressed.
		keyboard = append(keyboard, []models.InlineKeyboardButton{{Text: t.BtnShare, CallbackData: caseData(caseID, actionShare)}})
		br.settings.ConsentAsked = true
		if err := b.deps.Store.SaveSettings(ctx, chat, br.settings); err != nil {
			b.degrade("store", err)
		}
	}
	params := &tgbot.SendMessageParams{
		ChatID:             chat,
		Text:               rendered.Text,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		ReplyParameters:    &models.ReplyParameters{MessageID: br.replyTo, AllowSendingWithoutReply: true},
		ReplyMarkup:        &models.InlineKeyboardMarkup{InlineKeyboard: keyboard},
	}
	b.queue(chat, false, "reply", params)
	b.metrics.verdicts.WithLabelValues(string(verdict.Level)).Inc()
	b.shareConsented(ctx, chat, caseID, verdict, br.settings.ShareConsent)
	if verdict.Level == classifier.LevelScam {
		b.alertGuardians(ctx, chat, br.user, verdict)
	}
}

// onEdited re-checks a conversation after one of its messages was edited.
// The user gets a new answer only when the level rises: an edit that
// fixes a typo must not repeat the answer.
func (b *Bot) onEdited(ctx context.Context, msg *models.Message) {
	if msg.Chat.Type != models.ChatTypePrivate {
		b.onGroupEdited(ctx, msg)
		return
	}
	text := messageText(msg)
	if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "/") {
		return
	}
	chat := msg.Chat.ID
	entry := messageEntry(msg, text, speakerOf(msg))
	entry.Hidden = forwardedFromHidden(msg)
	before, after, err := b.edit(ctx, chat, entry)
	if errors.Is(err, store.ErrNotInWindow) {
		return // too old to matter, or from before /new
	}
	if err != nil {
		b.degrade("store", err)
		return
	}
	if br := b.bursts.peek(chat); br != nil {
		br.verdict = after // the burst's answer is still to come
		return
	}
	if after.Level.AtLeast(before.Level) && after.Level != before.Level {
		br := &burst{replyTo: msg.ID, settings: b.settings(ctx, chat), received: time.Now()}
		if msg.From != nil {
			br.user, br.userLang = msg.From.ID, msg.From.LanguageCode
		}
		if conv, err := b.deps.Store.Load(ctx, chat); err == nil {
			br.window = conv.Window
		}
		b.answer(ctx, chat, br, after)
	}
}

// settings returns chat's settings, or the defaults when the store fails.
func (b *Bot) settings(ctx context.Context, chat int64) store.Settings {
	s, err := b.deps.Store.Settings(ctx, chat)
	if err != nil {
		b.degrade("store", err)
	}
	return s
}

// uiLang is the language the bot speaks to a user outside check replies:
// the chat's setting, else the user's Telegram language.
func uiLang(s store.Settings, from *models.User) string {
	if s.Language != "" {
		return s.Language
	}
	if from != nil {
		return from.LanguageCode
	}
	return ""
}

// command splits "/name@bot arg" into name and arg. ok is false when text
// is not a command; name is empty when the command is addressed to another
// bot (in a group, "/start@otherbot" is not ours).
func (b *Bot) command(msg *models.Message, text string) (name, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, rest = head[:i], head[i+1:]+" "+rest
	}
	name, addressee, addressed := strings.Cut(head, "@")
	if name == "" || !isCommandName(name) {
		return "", "", false
	}
	if addressed && !strings.EqualFold(addressee, b.username) {
		return "", "", true
	}
	return strings.ToLower(name), strings.TrimSpace(rest), true
}

// isCommandName is Telegram's rule: up to 32 letters, digits, underscores.
func isCommandName(name string) bool {
	if len(name) > 32 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// onCommand handles the private-chat commands.
func (b *Bot) onCommand(ctx context.Context, msg *models.Message, name, arg string) {
	chat := msg.Chat.ID
	settings := b.settings(ctx, chat)
	t := b.texts.in(uiLang(settings, msg.From))
	say := func(what, text string) { b.sendText(chat, false, what, text, 0) }
	if b.onModCommand(ctx, msg, name) {
		return
	}
	switch name {
	case "start":
		if strings.HasPrefix(arg, guardianStartPrefix) {
			b.onGuardianStart(ctx, msg, arg)
			return
		}
		say("start", b.withKeep(t.Start, uiLang(settings, msg.From)))
	case "help":
		say("help", t.Help)
	case "privacy":
		say("privacy", b.withKeep(t.Privacy, uiLang(settings, msg.From)))
	case "new":
		b.bursts.drop(chat)
		if err := b.deps.Store.ForgetConversation(ctx, chat); err != nil {
			b.degrade("store", err)
			say("new", t.SettingsFailed)
			return
		}
		say("new", t.NewDone)
	case "forget":
		b.bursts.drop(chat)
		if err := b.forgetChat(ctx, chat); err != nil {
			b.log.Error("forget failed", "chat", chat, "err", err)
			say("forget", t.ForgetFailed)
			return
		}
		say("forget", b.texts.in(uiLang(store.Settings{}, msg.From)).ForgetDone)
	case "mydata":
		b.sendMyData(ctx, chat, msg.From, t)
	case "lang":
		if arg == "" {
			b.queue(chat, false, "lang", &tgbot.SendMessageParams{ChatID: chat, Text: t.LangPrompt, ReplyMarkup: langKeyboard(t)})
			return
		}
		b.setLanguage(ctx, chat, msg.From, arg)
	case "region":
		b.setRegion(ctx, chat, settings, t, arg)
	case "guardian":
		b.onGuardianCommand(ctx, msg, arg)
	default:
		say("unknown_command", t.UnknownCommand)
	}
}

// forgetChat deletes everything stored about chat, and the cards its
// cases left in moderators' chats.
func (b *Bot) forgetChat(ctx context.Context, chat int64) error {
	if _, err := b.deps.Store.Forget(ctx, chat); err != nil {
		return err
	}
	if b.deps.Review != nil {
		cards, err := b.deps.Store.CaseCards(ctx, chat)
		if err != nil {
			return err
		}
		for _, card := range cards {
			cardChat, message := card[0], int(card[1])
			b.outbox.send(cardChat, cardChat < 0, "forget_card", func(ctx context.Context) error {
				_, err := b.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: cardChat, MessageID: message})
				return err
			})
		}
		if _, err := b.deps.Review.ForgetChat(ctx, chat); err != nil {
			return err
		}
	}
	// A private chat's id is the user's: their guardian links go too.
	if chat > 0 {
		if _, err := b.deps.Store.ForgetGuardianLinks(ctx, chat); err != nil {
			return err
		}
	}
	return nil
}

// withKeep puts how long conversations are kept into a text.
func (b *Bot) withKeep(text, lang string) string {
	ttl := b.deps.Store.TTL()
	n, unit := int(ttl/time.Hour), map[string]string{"zh": " 小时", "zh-Hant": " 小時", "en": " hours"}
	if ttl%(24*time.Hour) == 0 {
		n, unit = int(ttl/(24*time.Hour)), map[string]string{"zh": " 天", "zh-Hant": " 天", "en": " days"}
	}
	return strings.ReplaceAll(text, "{keep}", fmt.Sprint(n)+unit[catalog.NormalizeLang(lang)])
}

// The language choices, as (callback value, label).
var languageChoices = [][2]string{{"zh", "中文"}, {"zh-Hant", "繁體中文"}, {"en", "English"}, {"auto", ""}}

func langKeyboard(t uiTexts) *models.InlineKeyboardMarkup {
	var row []models.InlineKeyboardButton
	for _, c := range languageChoices {
		label := c[1]
		if c[0] == "auto" {
			label = t.Auto
		}
		row = append(row, models.InlineKeyboardButton{Text: label, CallbackData: "lang:" + c[0]})
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{row}}
}

// setLanguage stores the reply language ("auto" clears it) and confirms in it.
func (b *Bot) setLanguage(ctx context.Context, chat int64, from *models.User, choice string) {
	value, label := "", ""
	for _, c := range languageChoices {
		if strings.EqualFold(choice, c[0]) {
			value, label = c[0], c[1]
		}
	}
	settings := b.settings(ctx, chat)
	t := b.texts.in(uiLang(settings, from))
	if value == "" {
		b.queue(chat, false, "lang", &tgbot.SendMessageParams{ChatID: chat, Text: t.LangPrompt, ReplyMarkup: langKeyboard(t)})
		return
	}
	if value == "auto" {
		value = ""
	}
	settings.Language = value
	if err := b.deps.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.degrade("store", err)
		b.sendText(chat, false, "lang", t.SettingsFailed, 0)
		return
	}
	t = b.texts.in(uiLang(settings, from))
	if label == "" {
		label = t.Auto
	}
	b.sendText(chat, false, "lang", fmt.Sprintf(t.LangSet, label), 0)
}

// setRegion stores the user's region for the anti-fraud line.
func (b *Bot) setRegion(ctx context.Context, chat int64, settings store.Settings, t uiTexts, arg string) {
	known := b.deps.Catalog.Regions()
	list := strings.Join(known, ", ")
	choice := strings.ToUpper(strings.TrimSpace(arg))
	switch {
	case choice == "":
		b.sendText(chat, false, "region", fmt.Sprintf(t.RegionPrompt, list), 0)
		return
	case choice == "AUTO":
		settings.Region = ""
	case slices.Contains(known, choice):
		settings.Region = choice
	default:
		shown := choice
		if utf8.RuneCountInString(shown) > 16 {
			shown = string([]rune(shown)[:16]) + "…"
		}
		b.sendText(chat, false, "region", fmt.Sprintf(t.RegionInvalid, html.EscapeString(shown), list), 0)
		return
	}
	if err := b.deps.Store.SaveSettings(ctx, chat, settings); err != nil {
		b.degrade("store", err)
		b.sendText(chat, false, "region", t.SettingsFailed, 0)
		return
	}
	shown := settings.Region
	if shown == "" {
		shown = t.Auto
	}
	b.sendText(chat, false, "region", fmt.Sprintf(t.RegionSet, shown), 0)
}

// registerCommands sets the command menu Telegram shows; failing is
// harmless.
func (b *Bot) registerCommands(ctx context.Context) {
	commands := []models.BotCommand{
		{Command: "start", Description: "What this bot does"},
		{Command: "new", Description: "Start a fresh conversation"},
		{Command: "lang", Description: "Reply language"},
		{Command: "region", Description: "Your region, for the anti-fraud line"},
		{Command: "forget", Description: "Delete everything stored about this chat"},
		{Command: "mydata", Description: "A file with everything stored about you and this chat"},
		{Command: "privacy", Description: "What is stored and for how long"},
		{Command: "guardian", Description: "Someone you trust is told when a chat looks like a scam"},
		{Command: "help", Description: "How to use it"},
	}
	groupCommands := []models.BotCommand{
		{Command: "check", Description: "Check the message you reply to (or the recent chat)"},
		{Command: "settings", Description: "Sensitivity, language, region, quiet mode, guardians (admins)"},
		{Command: "help", Description: "How the bot works in a group"},
	}
	for _, menu := range []*tgbot.SetMyCommandsParams{
		{Commands: commands, Scope: &models.BotCommandScopeAllPrivateChats{}},
		{Commands: groupCommands, Scope: &models.BotCommandScopeAllGroupChats{}},
	} {
		if _, err := b.api.SetMyCommands(ctx, menu); err != nil {
			b.log.Warn("setMyCommands failed", "err", err)
		}
	}
}
