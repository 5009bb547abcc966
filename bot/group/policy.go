package group

import (
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// groupPolicy decides when a group hears an automatic warning. It is pure,
// so that the corpus replay measures exactly what the bot does.
type groupPolicy struct {
	// Cooldown is the least time between two warnings about one scam
	// (scamKind), unless the level rises.
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
	// WarnedAt and WarnedLevel describe the last warning of this scam
	// kind (scamKind) within the cool-down; zero and "" when there was none.
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

// scamKind names what a warning is about, its scam type and brand: the
// cool-down is per kind, so a different scam in the same group is warned
// while the same one stays quiet.
func scamKind(v classifier.Verdict) string { return v.Type + "|" + v.Brand }

// warnedAbout finds the latest recent warning that covers verdict: one of
// the same scam (sameScam).
func warnedAbout(warned map[string]store.GroupWarning, v classifier.Verdict) (store.GroupWarning, bool) {
	var last store.GroupWarning
	for kind, w := range warned {
		if sameScam(kind, v) && w.At.After(last.At) {
			last = w
		}
	}
	return last, !last.At.IsZero()
}

// sameScam reports whether v is the scam of kind: its type, and its brand
// or no brand on one side (a script often names its brand in a later
// message than the one first warned about).
func sameScam(kind string, v classifier.Verdict) bool {
	typ, brand, _ := strings.Cut(kind, "|")
	return typ == v.Type && (brand == v.Brand || brand == "" || v.Brand == "")
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
