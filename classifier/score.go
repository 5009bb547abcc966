package classifier

import "sort"

// Scoring works on roles, not phrases. Each role's evidence is the noisy-OR of
// the distinct signals seen in it; roles combine by noisy-OR too, scaled by
// how much a role alone says; a conversation that shows one role only is
// discounted, because honest customer service says "refund" or "transfer"
// all day, while a script shows several roles. Counter-signals (warnings,
// negated phrases, the user asking) damp everything but a hard stop.
const (
	scamThreshold       = 0.80
	suspiciousThreshold = 0.55
	hardStopScore       = 0.97
	// contextForHardStop is the evidence of impersonation, pretext or pivot
	// needed before a demanded money move is a hard stop.
	contextForHardStop = 0.3
)

// roleScale is how far one role alone can push the score.
var roleScale = map[Role]float64{
	RoleImpersonation: 0.35,
	RolePretext:       0.40,
	RoleCredibility:   0.30,
	RolePivot:         0.75,
	RoleMoneyMove:     0.75,
	RolePressure:      0.35,
	RoleLure:          0.55,
	RoleAction:        0.35,
	RoleLink:          0.50,
}

// coherence discounts a conversation by how many roles of the script it shows.
var coherence = [...]float64{0, 0.65, 0.85, 1.0}

// roleEvidence is the per-role noisy-OR of the signal weights in evidence.
func (c *Classifier) roleEvidence(weights map[string]float64) map[Role]float64 {
	miss := map[Role]float64{}
	for id, w := range weights {
		role := c.roleOf(id)
		if _, ok := miss[role]; !ok {
			miss[role] = 1
		}
		miss[role] *= 1 - w
	}
	ev := make(map[Role]float64, len(miss))
	for role, m := range miss {
		ev[role] = 1 - m
	}
	return ev
}

// score computes the level of the evidence so far.
func (c *Classifier) score(state *State) (Level, float64, bool) {
	ev := c.roleEvidence(state.Evidence)
	missing := 1.0
	roles := 0
	for role, e := range ev {
		scale, ok := roleScale[role]
		if !ok {
			continue
		}
		missing *= 1 - e*scale
		roles++
	}
	score := 1 - missing
	if roles >= len(coherence) {
		roles = len(coherence) - 1
	}
	score *= coherence[roles]

	counterMiss := 1.0
	for _, w := range state.Counter {
		counterMiss *= 1 - w
	}
	score *= 1 - 0.6*(1-counterMiss)

	hard := false
	if c.hardMoneyMove(state) {
		context := 1 - (1-ev[RoleImpersonation])*(1-ev[RolePretext])*(1-ev[RolePivot])
		if context >= contextForHardStop {
			hard = true
			if score < hardStopScore {
				score = hardStopScore
			}
		}
	}
	level := LevelNone
	switch {
	case score >= scamThreshold:
		level = LevelScam
	case score >= suspiciousThreshold:
		level = LevelSuspicious
	}
	return level, score, hard
}

func (c *Classifier) hardMoneyMove(state *State) bool {
	for id := range state.Evidence {
		if sig := c.signal(id); sig != nil && sig.Hard {
			return true
		}
	}
	return false
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
	v.Type = c.scamType(state)
	v.Stage = c.stage(state)
	return v
}

// scamType votes among the types of the evidence, weighted.
func (c *Classifier) scamType(state *State) string {
	votes := map[string]float64{}
	for id, w := range state.Evidence {
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
	case ev[RoleMoneyMove] > 0:
		return "payment"
	case ev[RolePivot] > 0:
		return "pivot"
	case ev[RoleCredibility] > 0:
		return "credibility"
	case len(ev) > 0:
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
