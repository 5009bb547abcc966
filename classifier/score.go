package classifier

import (
	"maps"
	"math"
	"slices"
	"sort"
)

// Scoring works on roles, not phrases. Each role's evidence is the noisy-OR
// of the distinct signals seen in it. A role alone says little (honest
// customer service says "refund" and "transfer" all day), so each role
// alone is scaled down; what a scam shows is roles *together*: a pretext and
// a pivot, a lure and a link, an impersonation and a money move. Every such
// pair contributes the geometric mean of its two evidences times the pair's
// strength, and all contributions combine by noisy-OR. Counter-signals
// (warnings, negated phrases) act in scope, in observe.go, not here; they
// only keep a question about a hard stop from being one (HardAsked).
// ScamThreshold and SuspiciousThreshold are the scores at which a verdict
// becomes scam and suspicious. The LLM's grey zone ends at ScamThreshold.
const (
	ScamThreshold       = 0.70
	SuspiciousThreshold = 0.36
)

const (
	hardStopScore = 0.97
	// contextForHardStop is the evidence of impersonation, pretext, pivot or
	// lure needed before a demanded money move is a hard stop.
	contextForHardStop = 0.3
	// userInitiatedDamping: someone who contacted support themselves is
	// talking to the company they chose; scripts call or text first.
	userInitiatedDamping = 0.75
)

// roleAlone is how far one role alone can push the score.
var roleAlone = map[Role]float64{
	RoleImpersonation: 0.20,
	RolePretext:       0.25,
	RoleCredibility:   0.15,
	RolePivot:         0.60,
	RoleMoneyMove:     0.40,
	RolePressure:      0.15,
	RoleLure:          0.6,
	RoleAction:        0.15,
	RoleLink:          0.35,
}

// rolePair is a combination of roles that scripts show together.
type rolePair struct {
	a, b     Role
	strength float64
	// least is the evidence both roles need before the pair counts (0:
	// any). A help article's link and the word "payment" are not "pay
	// the handling fee at this look-alike address".
	least float64
}

// rolePairs: the script's stages in pairs (see scam-types.md): opening story
// with the pivot or the payment, bait with the call to action, and pressure
// on top of any of them.
var rolePairs = []rolePair{
	{RolePivot, RoleMoneyMove, 0.95, 0},
	{RolePretext, RolePivot, 0.85, 0},
	{RoleImpersonation, RolePivot, 0.80, 0},
	{RoleImpersonation, RoleMoneyMove, 0.80, 0},
	{RolePretext, RoleMoneyMove, 0.80, 0},
	{RoleLure, RoleMoneyMove, 0.95, 0},
	{RoleLure, RoleAction, 0.85, 0},
	{RoleLure, RoleLink, 0.85, 0},
	{RolePretext, RoleLink, 0.75, 0},
	{RolePivot, RoleLink, 0.80, 0},
	{RoleImpersonation, RoleLink, 0.65, 0},
	{RolePretext, RoleAction, 0.60, 0},
	{RoleImpersonation, RoleAction, 0.55, 0},
	{RoleImpersonation, RolePretext, 0.60, 0},
	{RolePressure, RoleMoneyMove, 0.75, 0},
	{RolePressure, RolePivot, 0.65, 0},
	{RolePressure, RolePretext, 0.55, 0},
	{RolePressure, RoleLure, 0.50, 0},
	{RolePressure, RoleImpersonation, 0.60, 0},
	{RolePressure, RoleLink, 0.55, 0},
	{RoleCredibility, RolePivot, 0.60, 0},
	{RoleCredibility, RoleMoneyMove, 0.60, 0},
	{RoleAction, RoleLink, 0.40, 0},
	{RoleMoneyMove, RoleAction, 0.50, 0},
	{RoleLure, RolePivot, 0.70, 0},
	// "Pay the handling fee here: <link>": the smishing text's whole script.
	{RoleMoneyMove, RoleLink, 0.90, 0.5},
	// "Your parcel is held / your points expire: update here <look-alike>":
	// a story and an address that borrows a brand it does not belong to.
	{RolePretext, RoleLink, 0.95, 0.5},
}

// stacking is how much further signals of a role add beyond the strongest:
// many weak context words ("平台", "手续费", "礼品") do not make a strong one.
const stacking = 0.3

// roles lists the roles that carry evidence; roleEvidence is indexed like it.
var roles = []Role{
	RoleImpersonation, RolePretext, RoleCredibility, RolePivot, RoleMoneyMove,
	RolePressure, RoleLure, RoleAction, RoleLink,
}

var roleSlot = func() map[Role]int {
	m := map[Role]int{}
	for i, r := range roles {
		m[r] = i
	}
	return m
}()

// evidence is the evidence per role, indexed like roles.
type evidence [9]float64

func (e *evidence) of(r Role) float64 { return e[roleSlot[r]] }

// roleEvidence is, per role, the strongest signal's weight plus a share of
// what the others add (noisy-OR).
func (c *Classifier) roleEvidence(weights map[string]float64) evidence {
	var miss, strongest evidence
	for i := range miss {
		miss[i] = 1
	}
	for id, w := range weights {
		slot, ok := c.roleSlotOf(id)
		if !ok {
			continue
		}
		miss[slot] *= 1 - w
		strongest[slot] = math.Max(strongest[slot], w)
	}
	var ev evidence
	for i := range ev {
		ev[i] = strongest[i] + stacking*(1-miss[i]-strongest[i])
	}
	return ev
}

// userInitiatedClaims scales impersonation and credibility when the user
// opened the conversation: an agent the user contacted saying who they are
// and reading out the order is doing their job.
const userInitiatedClaims = 0.5

// score computes the level of the evidence so far.
func (c *Classifier) score(state *State) (Level, float64, bool) {
	ev := c.roleEvidence(state.liveEvidence())
	if state.contactedSupport() {
		ev[roleSlot[RoleImpersonation]] *= userInitiatedClaims
		ev[roleSlot[RoleCredibility]] *= userInitiatedClaims
	}
	missing := 1.0
	for i, e := range ev {
		missing *= 1 - e*roleAloneBySlot[i]
	}
	for _, p := range pairSlots {
		if ea, eb := ev[p.a], ev[p.b]; ea > p.least && eb > p.least || ea > 0 && eb > 0 && p.least == 0 {
			missing *= 1 - (0.7*math.Min(ea, eb)+0.3*math.Sqrt(ea*eb))*p.strength
		}
	}
	score := 1 - missing

	counterMiss := 1.0
	for id, w := range state.Counter {
		// "We will never ask for your PIN" from the party making the
		// demand answers nothing: only a warning can settle a question.
		if sig := c.signal(id); sig != nil && sig.Reassures {
			continue
		}
		counterMiss *= 1 - w
	}
	// Warnings and reassurances act only in scope (the phrases they negate,
	// the stretch a warning takes back, the frame of their turn): never on
	// the whole conversation. A scammer's "钱会原路退回" or "we never ask for
	// your PIN" must not clear the demands around it.
	if state.openedAsCustomer() {
		score *= userInitiatedDamping
	}

	// A question about a hard stop is answered no, unless the party asked
	// has already answered it with a warning (a helpline, the real bank).
	hard := state.HardAsked && counterMiss == 1
	if hard && score < hardStopScore {
		score = hardStopScore
	}
	if state.HardAlone {
		hard = true
		if score < hardStopScore {
			score = hardStopScore
		}
	}
	if demands := len(state.HardDemanded); demands > 0 && !hard {
		// Pressure is context too: "buy the cards, and keep it between us".
		context := 1 - (1-ev.of(RoleImpersonation))*(1-ev.of(RolePretext))*(1-ev.of(RolePivot))*(1-ev.of(RoleLure))*(1-ev.of(RolePressure))
		if context >= hardStopContext(demands) {
			hard = true
			if score < hardStopScore {
				score = hardStopScore
			}
		}
	}
	if score < ScamThreshold && c.phishing(state, ev) {
		score = ScamThreshold
	}
	level := LevelNone
	switch {
	case score >= ScamThreshold:
		level = LevelScam
	case score >= SuspiciousThreshold:
		level = LevelSuspicious
	}
	return level, score, hard
}

// roleAloneBySlot and pairSlots are roleAlone and rolePairs by slot.
var roleAloneBySlot = func() (out evidence) {
	for r, v := range roleAlone {
		out[roleSlot[r]] = v
	}
	return out
}()

type pairSlot struct {
	a, b            int
	strength, least float64
}

var pairSlots = func() []pairSlot {
	out := make([]pairSlot, len(rolePairs))
	for i, p := range rolePairs {
		out[i] = pairSlot{roleSlot[p.a], roleSlot[p.b], p.strength, p.least}
	}
	return out
}()

// hardStopContext is the impersonation, pretext, pivot or lure evidence a
// demanded money move needs to be a hard stop: strong for one demand, any
// for two different ones ("buy the cards" and "send me the codes" make
// their own context).
func hardStopContext(demands int) float64 {
	if demands >= 2 {
		return 0.01
	}
	return contextForHardStop
}

// Verdict reads the verdict of the conversation so far.
func (c *Classifier) Verdict(state *State) Verdict {
	v := Verdict{
		Level:           state.Peak,
		Score:           round3(state.PeakScore),
		Brand:           state.ImpersonatedBrand,
		HardStop:        state.HardStop,
		Engines:         []string{"heuristic"},
		FirstAlertIndex: state.FirstAlertIndex,
		Language:        language(state),
		Signals:         append([]Hit(nil), state.Hits...),
	}
	toldAlone := state.TellerLevel.rank() > state.Peak.rank()
	if toldAlone {
		// What was told alone, read by the teller model (teller.go).
		v.Level = state.TellerLevel
		v.Score = max(v.Score, levelFloor[state.TellerLevel])
		if v.FirstAlertIndex < 0 || state.TellerAlertIndex < v.FirstAlertIndex {
			v.FirstAlertIndex = state.TellerAlertIndex
		}
	}
	if state.ModelRaised && state.Peak != LevelNone || toldAlone {
		v.Engines = append(v.Engines, "words")
	}
	if v.Brand == "" && len(state.BrandFirst) > 0 {
		v.Brand = state.BrandFirst[0]
	}
	sort.SliceStable(v.Signals, func(i, j int) bool {
		a, b := v.Signals[i], v.Signals[j]
		if a.MessageIndex != b.MessageIndex {
			return a.MessageIndex < b.MessageIndex
		}
		return a.Start < b.Start
	})
	v.Frame = frameOf(state)
	// "No known scam signs" with a scam type would contradict itself,
	// unless the scam was only told or asked about: then the type names
	// it ("有人打电话说快递丢了要赔我双倍，是真的吗？" is the refund script).
	switch {
	case v.Level != LevelNone:
		v.Type = c.scamType(state.Evidence)
		v.Stage = c.stage(state)
	case v.Frame == FrameRetold || v.Frame == FrameWarning || v.Frame == FrameQuestion:
		// What was told: the story's words, whether they arrived in a
		// turn framed as a story or before the teller's refusal.
		told := maps.Clone(state.Evidence)
		maps.Copy(told, state.Described)
		v.Type = c.scamType(told)
	}
	return v
}

// scamType votes among the types of the evidence, weighted.
func (c *Classifier) scamType(evidence map[string]float64) string {
	votes := map[string]float64{}
	for id, w := range evidence {
		sig := c.signal(id)
		if sig == nil {
			continue
		}
		for _, t := range sig.Types {
			votes[t] += w / float64(len(sig.Types))
		}
	}
	best, bestVotes := "", 0.0
	for t, n := range votes {
		if n > bestVotes || (n == bestVotes && t < best) {
			best, bestVotes = t, n
		}
	}
	return best
}

// stage is the furthest stage of the script the evidence reached.
func (c *Classifier) stage(state *State) string {
	ev := c.roleEvidence(state.Evidence)
	switch {
	case ev.of(RoleMoneyMove) > 0:
		return "payment"
	case ev.of(RolePivot) > 0:
		return "pivot"
	case ev.of(RoleCredibility) > 0:
		return "credibility"
	case len(state.Evidence) > 0:
		return "open"
	}
	return ""
}

// language picks the reply language from the scripts of the conversation:
// a Han character carries about as much as a Latin word.
func language(state *State) string {
	latinWords := state.LatinRunes / 5
	if state.HanRunes == 0 || state.HanRunes < latinWords {
		return "en"
	}
	if state.TraditionalRunes*5 >= state.HanRunes {
		return "zh-Hant"
	}
	return "zh"
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// disguisedLinks are the addresses that hide where they lead: a brand's name
// on a host that is not the brand's, a bare IP address, a throw-away
// top-level domain, an app package. Honest messages almost never carry one
// (one honest conversation in the dev corpora and yardsticks against 230
// scams), so one with anything asked of the reader is phishing.
var disguisedLinks = []string{"link_lookalike", "link_ip_address", "link_cheap_tld", "link_app_download"}

// phishing reports a disguised link among the live evidence together with
// a story, pressure, a payment, a call to action or the protected person
// asking whether to act on it ("Should I update it through that link?").
func (c *Classifier) phishing(state *State, ev evidence) bool {
	live := state.liveEvidence()
	if !slices.ContainsFunc(disguisedLinks, func(id string) bool { return live[id] > 0 }) {
		return false
	}
	if state.AskedToAct {
		return true
	}
	for _, r := range []Role{RolePretext, RolePivot, RoleMoneyMove, RolePressure, RoleAction, RoleLure, RoleImpersonation} {
		if ev.of(r) > 0 {
			return true
		}
	}
	return false
}
