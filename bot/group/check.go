package group

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// onCommand handles the commands of a group. Commands the bot does
// not know get no answer: in a group another bot may own them.
func (b *Groups) onCommand(ctx context.Context, msg *models.Message, name, arg string) {
	chat := msg.Chat.ID
	switch name {
	case "check":
		if msg.ReplyToMessage != nil {
			b.checkOnDemand(ctx, msg, msg.ReplyToMessage)
			return
		}
		b.checkThread(ctx, msg)
	case "settings":
		settings := b.Settings(ctx, chat)
		t := b.texts.in(conversation.UILang(settings, msg.From))
		switch admin, err := b.isAdmin(ctx, chat, msg); {
		case err != nil:
			b.Log.Warn("getChatMember failed", "chat", chat, "err", err)
			b.SendText(chat, true, "settings", t.AdminCheckFailed, msg.ID)
		case !admin:
			b.SendText(chat, true, "settings", t.AdminsOnly, msg.ID)
		default:
			b.Queue(chat, true, "settings", &tgbot.SendMessageParams{ChatID: chat, Text: b.settingsPanel(settings, t),
				ParseMode: models.ParseModeHTML, ReplyMarkup: b.settingsKeyboard(settings, t)})
		}
	case "start", "help":
		t := b.texts.in(conversation.UILang(b.Settings(ctx, chat), msg.From))
		b.SendText(chat, true, "help", t.Help, msg.ID)
	case "guardian":
		t := b.texts.in(conversation.UILang(b.Settings(ctx, chat), msg.From))
		b.SendText(chat, true, "guardian", fmt.Sprintf(t.GuardianInPrivate, html.EscapeString(b.Username)), msg.ID)
	}
}

// checkOnDemand answers /check (or a mention) sent as a reply to target,
// a message of the group: it judges that message alone, not the thread
// around it ("我七点左右到家" in a thread about a scam is not a scam), and
// says so. target joins the thread when the bot has not seen it (privacy
// mode), for the automatic warnings to come.
func (b *Groups) checkOnDemand(ctx context.Context, msg, target *models.Message) {
	chat := msg.Chat.ID
	text := conversation.MessageText(target)
	settings, err := b.Store.Settings(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
	}
	t := b.texts.in(conversation.UILang(settings, msg.From))
	if strings.TrimSpace(text) == "" {
		b.SendText(chat, true, "check", t.CheckNoText, msg.ID)
		return
	}
	message := classifier.Message{From: groupSpeaker(target), Text: text}
	var skip map[string]string
	if err == nil {
		conv, err := b.Store.Load(ctx, chat)
		if err == nil && !slices.ContainsFunc(conv.Window, func(e store.Entry) bool { return e.ID == int64(target.ID) }) {
			_, _, _, err = b.recordGroup(ctx, chat, conversation.MessageEntry(target, text, groupSpeaker(target)))
		}
		if err != nil {
			b.Degrade("store", err)
			skip = conversation.SkipWhileStoreFails
		}
	} else {
		skip = conversation.SkipWhileStoreFails
	}
	req := b.groupRequest(chat, msg.From, settings)
	req.Messages, req.Skip = []classifier.Message{message}, skip
	verdict := b.Detect(ctx, chat, req)
	if verdict.Level == "" {
		verdict.Level = classifier.LevelNone
	}
	// One message's verdict is not the thread's warning: it marks no
	// cool-down (a step read alone may be judged lower than the thread,
	// and the thread's next rise must still be heard).
	b.sendGroupVerdict(chat, msg.ID, msg.From, verdict, settings, false, t.CheckOnlyThat)
}

// checkThread answers /check sent without a reply: the thread so far, or
// how to use /check when there is none.
func (b *Groups) checkThread(ctx context.Context, msg *models.Message) {
	chat := msg.Chat.ID
	conv, err := b.Store.Load(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
	}
	var verdict classifier.Verdict
	if err != nil || conv.Verdict == nil || json.Unmarshal(conv.Verdict, &verdict) != nil {
		t := b.texts.in(conversation.UILang(conv.Settings, msg.From))
		b.SendText(chat, true, "check", t.CheckHint, msg.ID)
		return
	}
	b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
}

// answerCheck answers an on-demand check of the thread, whatever the
// level; a loud answer counts as the warning about its scam, so no
// automatic one repeats it.
func (b *Groups) answerCheck(ctx context.Context, chat int64, replyTo int, asker *models.User, verdict classifier.Verdict, settings store.Settings) {
	if verdict.Level == "" {
		verdict.Level = classifier.LevelNone
	}
	b.sendGroupVerdict(chat, replyTo, asker, verdict, settings, false, "")
	if verdict.Level.AtLeast(classifier.LevelSuspicious) {
		if err := b.Store.MarkGroupWarned(ctx, chat, scamKind(verdict), time.Now(), string(verdict.Level), b.cfg.Cooldown); err != nil {
			b.Degrade("store", err)
		}
	}
}
