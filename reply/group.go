package reply

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// Person is someone a group warning is addressed to.
type Person struct {
	// ID is their Telegram user id, Name how they are called.
	ID   int64
	Name string
}

// GroupOptions are the group's language and region and whom the warning
// is for.
type GroupOptions struct {
	// Lang is the group's language setting; empty: the conversation's.
	Lang   string
	Region string
	// RegionFinal is Options.RegionFinal: Region is the caller's decision,
	// even when empty.
	RegionFinal bool
	// Who, when set, is mentioned first, so Telegram notifies them.
	Who *Person
}

// maxGroupChannels bounds the channels of a group warning.
const maxGroupChannels = 3

// GroupWarning is the group form of a check reply, in Telegram HTML: who
// it is for, the headline, the scam type, what the real company never
// does, and where to check. Everything from outside texts.yaml is escaped.
//
// A relative's question gets an answer, as in a private chat: "should I do
// what they say?" is answered no, and a question about a known script
// names the scam and what they will ask next, even at level none.
//
// The channels and the "never does" line follow the rule of a private
// reply: the group's region's, else a usable guess's, and nothing of a
// region other than that one and the impersonated brand's; Traditional
// texts are in the region's words.
func (r *Renderer) GroupWarning(v classifier.Verdict, opts GroupOptions) string {
	a := r.audienceFor(v, Options{Lang: opts.Lang, Region: opts.Region, RegionFinal: opts.RegionFinal})
	lang := a.textLang
	t := r.texts[lang]
	st, knownType := r.catalog.ScamType(v.Type)
	question := v.Frame == classifier.FrameQuestion
	head, named := t.GroupNone, v.Level != classifier.LevelNone
	switch {
	case question && named:
		// A relative asks whether to do what they were told: no.
		head = html.EscapeString(t.HeadlineQuestionScam)
	case question && knownType:
		// A relative asks about a script they were told: it is a known
		// scam, whatever the message's own level.
		head, named = html.EscapeString(t.HeadlineQuestionKnown), true
	case v.Level == classifier.LevelScam:
		head = t.GroupScam
	case v.Level == classifier.LevelSuspicious:
		head = t.GroupSuspicious
	}
	if opts.Who != nil {
		head = mention(*opts.Who) + " " + head
	}
	lines := []string{head}
	if named && knownType {
		lines = append(lines, fmt.Sprintf(t.GroupType, html.EscapeString(st.Names.In(lang))))
		if question && v.Stage != catalog.StagePayment {
			if label, next := nextStep(st, v.Stage, lang, t); len(next) > 0 && r.fits(a, next[0]) {
				lines = append(lines, html.EscapeString(labelledText(label, next[0])))
			}
		}
		if never := r.catalog.NeverDoesFor(v.Type, lang, a.allowed...); never != "" {
			lines = append(lines, html.EscapeString(never))
		}
	}
	if channels := channelLine(r.catalog.VerifyIn(v.Brand, v.Type, lang, a.region)); channels != "" {
		lines = append(lines, fmt.Sprintf(t.GroupCheckWith, channels))
	}
	return strings.Join(lines, "\n")
}

// labelledText is a label and its value on one line, as labelled writes it.
func labelledText(label, value string) string {
	var out strings.Builder
	for _, s := range labelled(label, value) {
		out.WriteString(s.text)
	}
	return out.String()
}

// channelLine writes the first channels to check with on one line.
func channelLine(items []catalog.Verify) string {
	var parts []string
	for _, item := range items {
		if len(parts) == maxGroupChannels {
			break
		}
		switch {
		case item.Kind == catalog.VerifyAdvice:
			parts = append(parts, html.EscapeString(item.Value))
		case item.Name != "" && item.Kind == catalog.VerifyPhone && strings.Contains(item.Name, item.Value):
			// "全国反诈预警劝阻专线 96110" says its number already.
			parts = append(parts, "<b>"+html.EscapeString(item.Name)+"</b>")
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
func mention(p Person) string {
	return `<a href="tg://user?id=` + strconv.FormatInt(p.ID, 10) + `">` + html.EscapeString(p.Name) + "</a>"
}
