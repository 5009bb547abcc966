package moderation

import (
	"context"
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/internal/ellipsis"
	"github.com/scamguard/scamguard/review"
)

// Cards and answers to moderators are in the moderator's language
// (review.ModTextsIn): in the moderators' group the deployment's
// (SCAMGUARD_MOD_LANG), in a moderator's own chat theirs (their /lang,
// else their Telegram language). They name levels, types, reasons and roles
// as people say them, never by their codes, and never show an error's text.

// modTexts are the texts for a card or answer in chat, to from (nil: not
// known, as for a decision taken in the console).
func (b *Desk) modTexts(ctx context.Context, chat int64, from *models.User) review.ModTexts {
	if chat == b.ModChat || chat < 0 {
		return review.ModTextsIn(b.modLang)
	}
	return review.ModTextsIn(conversation.UILang(b.Settings(ctx, chat), from))
}

// levelMarks start a card by what the bot said.
var levelMarks = map[string]string{"scam": "🚨", "suspicious": "⚠️"}

// maxWhy bounds the quoted phrases of a card, maxPreviewRunes the reply's
// preview on it.
const (
	maxWhy          = 4
	maxPreviewRunes = 160
)

// cardText is a case as moderators see it: what the bot said and why (the
// other party's words, with what they do), why it was queued, and the
// redacted transcript, trimmed to fit one Telegram message.
func cardText(c review.Case, t review.ModTexts, cat *catalog.Catalog) string {
	var sb strings.Builder
	mark := levelMarks[c.Verdict.Level]
	if mark == "" {
		mark = "ℹ️"
	}
	percent := int(math.Round(100 * c.Verdict.Score))
	fmt.Fprintf(&sb, "%s <b>%s</b>\n", mark, html.EscapeString(fmt.Sprintf(t.Card.BotSaid, review.Name(t.Levels, c.Verdict.Level), percent)))
	if c.Verdict.Type != "" {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Type, t.TypeName(cat, c.Verdict.Type))))
	} else if c.Flagged() {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(t.Card.UnknownType))
	}
	if len(c.Reasons) > 0 {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Queued, t.Names(t.Reasons, c.Reasons))))
	}
	if c.Feedback != "" {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Feedback, review.Name(t.Feedback, c.Feedback))))
	}
	fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.ReplyLang, review.Name(t.Languages, c.Language))))
	if preview := review.ReplyPreview(c, maxPreviewRunes); preview != "" {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Reply, preview)))
	}
	if why := whyLine(c, t); why != "" {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Why, why)))
	}
	sb.WriteString("\n")
	if c.Earlier > 0 {
		fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.Earlier, c.Earlier)))
	}
	const maxMessages, maxRunes = 12, 240
	for i, m := range c.Transcript {
		if i == maxMessages {
			fmt.Fprintf(&sb, "%s\n", html.EscapeString(fmt.Sprintf(t.Card.More, len(c.Transcript)-maxMessages)))
			break
		}
		fmt.Fprintf(&sb, "<b>%s%s</b>%s\n", html.EscapeString(review.Name(t.Speakers, m.From)), colon(t), html.EscapeString(ellipsis.Cut(m.Text, maxRunes)))
	}
	if d := c.Decision; d != nil {
		outcome := review.Name(t.Outcomes, string(d.Outcome))
		if d.Outcome == review.OutcomeScam && c.FinalType() != "" {
			outcome += " — " + t.TypeName(cat, c.FinalType())
		}
		who := fmt.Sprintf(t.Card.Moderator, d.By)
		fmt.Fprintf(&sb, "\n<b>%s</b>", html.EscapeString(fmt.Sprintf(t.Card.Decided, outcome, who, d.At.UTC().Format("2006-01-02 15:04 UTC"))))
	}
	return sb.String()
}

// whyLine quotes the other party's words the verdict rests on, each with
// what it does ("“安全账户” (asks for money or codes)"), at most maxWhy,
// each phrase once; phrases they warned against are left out.
func whyLine(c review.Case, t review.ModTexts) string {
	var parts []string
	seen := map[string]bool{}
	open, closing, sep := "“", "”", " · "
	roleOpen, roleClose := " (", ")"
	if t.Lang == review.ModLangZh {
		roleOpen, roleClose = "（", "）"
	}
	for _, s := range c.Verdict.Signals {
		if len(parts) == maxWhy {
			break
		}
		if s.Act == "negated" || s.Match == "" || seen[s.Match] {
			continue
		}
		seen[s.Match] = true
		parts = append(parts, open+ellipsis.Cut(s.Match, 40)+closing+roleOpen+review.Name(t.Roles, s.Role)+roleClose)
	}
	return strings.Join(parts, sep)
}

// cardKeyboard is the decision buttons; a decided case has none.
func cardKeyboard(c review.Case, t review.ModTexts) models.ReplyMarkup {
	if c.Decision != nil {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	}
	data := func(verb string) string { return "mv:" + verb + ":" + c.ID }
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: t.Card.Confirm, CallbackData: data(modConfirm)}, {Text: t.Card.Legit, CallbackData: data(modLegit)}},
		{{Text: t.Card.Retype, CallbackData: data(modRetype)}, {Text: t.Card.Skip, CallbackData: data(modSkip)}},
	}}
}

// typeKeyboard offers every scam type, by name, for "change type".
func (b *Desk) typeKeyboard(id string, t review.ModTexts) *models.InlineKeyboardMarkup {
	var rows [][]models.InlineKeyboardButton
	for _, st := range b.Catalog.ScamTypes() {
		name := ellipsis.Cut(st.Names.In(t.Lang), 48)
		rows = append(rows, []models.InlineKeyboardButton{{Text: name, CallbackData: "mv:" + modConfirm + ":" + id + ":" + st.Slug}})
	}
	rows = append(rows, []models.InlineKeyboardButton{{Text: t.Card.Back, CallbackData: "mv:" + modBack + ":" + id}})
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// statsText is /stats for moderators.
func statsText(s review.Stats, t review.ModTexts, cat *catalog.Catalog) string {
	var sb strings.Builder
	sb.WriteString(t.Card.StatsTitle + "\n")
	fmt.Fprintf(&sb, t.Card.StatsCounts+"\n", s.Open, s.Confirmed, s.Dismissed, s.Skipped)
	if s.Precision >= 0 {
		fmt.Fprintf(&sb, t.Card.StatsPrecision+"\n", int(math.Round(100*s.Precision)), s.FlaggedConfirmed, s.FlaggedDismissed)
	}
	for i, tc := range s.TopTypes {
		if i == 5 {
			break
		}
		fmt.Fprintf(&sb, "%s%s%d\n", html.EscapeString(t.TypeName(cat, tc.Type)), colon(t), tc.Count)
	}
	return sb.String()
}

// colon ends a label: full-width in Chinese, which needs no space after it.
func colon(t review.ModTexts) string {
	if t.Lang == review.ModLangZh {
		return "："
	}
	return ": "
}
