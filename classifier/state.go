package classifier

// State is the running evidence of one conversation. Observe adds one
// message in O(message length); Verdict reads it in O(signals seen). The bot
// keeps a State per conversation so that a new message never re-reads the old
// ones. Fields are exported so the state can be stored (JSON).
type State struct {
	// Messages is the number of messages observed so far.
	Messages int `json:"messages"`
	// Evidence is the weight of each signal asserted by the other party,
	// keyed by signal id.
	Evidence map[string]float64 `json:"evidence"`
	// Counter is the weight of each counter-signal (warnings, negated
	// phrases, the user asking), keyed by signal id.
	Counter map[string]float64 `json:"counter"`
	// Hits are the quotes behind the evidence, at most MaxHitsPerSignal per signal.
	Hits []Hit `json:"hits"`
	// Brands counts mentions of each brand by the other party; BrandFirst
	// records the order brands were first named.
	Brands     map[string]int `json:"brands"`
	BrandFirst []string       `json:"brand_first"`
	// ImpersonatedBrand is a brand named in a message that also claims an identity.
	ImpersonatedBrand string `json:"impersonated_brand"`
	// HanRunes, TraditionalRunes and LatinRunes decide the language.
	HanRunes         int `json:"han"`
	TraditionalRunes int `json:"traditional"`
	LatinRunes       int `json:"latin"`
	// Peak is the loudest level reached: a verdict never drops back silently.
	Peak      Level   `json:"peak"`
	PeakScore float64 `json:"peak_score"`
	// FirstAlertIndex is the first message index at which the level was
	// suspicious or more; -1 while none.
	FirstAlertIndex int `json:"first_alert_index"`
	// HardStop is set once a hard stop fired.
	HardStop bool `json:"hard_stop"`
}

// NewState returns the state of an empty conversation.
func NewState() *State {
	return &State{
		Evidence:        map[string]float64{},
		Counter:         map[string]float64{},
		Brands:          map[string]int{},
		Peak:            LevelNone,
		FirstAlertIndex: -1,
	}
}

// Observe adds the next message of the conversation to state.
func (c *Classifier) Observe(state *State, msg Message) {
	index := state.Messages
	state.Messages++
	text := msg.Text
	if len(text) > MaxMessageBytes {
		text = text[:MaxMessageBytes]
	}
	folded := Normalize(text)
	state.HanRunes += folded.HanRunes
	state.TraditionalRunes += folded.TraditionalRunes
	state.LatinRunes += folded.LatinRunes

	matches := c.matcher.findAll(folded, nil)
	reported := false
	for _, m := range matches {
		for _, p := range c.matcher.patterns[m.pattern].payloads {
			if c.payloads[p].kind == payloadReporting {
				reported = true
			}
		}
	}
	// The user's own words are not evidence, except when they report what
	// the other party said ("客服让我买礼品卡").
	speaker := msg.From
	if speaker != SpeakerUser {
		speaker = SpeakerOther
	}
	asOther := speaker == SpeakerOther || reported

	identityClaimed := false
	var brandsHere []string
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			switch p.kind {
			case payloadBrand:
				if asOther {
					brandsHere = append(brandsHere, c.brands[p.index])
				}
			case payloadSignal:
				sig := &c.signals[p.index]
				act := ActAssert
				if c.negated(folded, matches, m) {
					act = ActNegated
				}
				if sig.Role == RoleImpersonation && act == ActAssert && asOther {
					identityClaimed = true
				}
				start, end := folded.Start[m.start], folded.End[m.end-1]
				c.record(state, sig, index, text, int(start), int(end), act, speaker, asOther)
			}
		}
	}
	for _, link := range findLinks(text) {
		c.record(state, c.signal(link.signal), index, text, link.start, link.end, ActAssert, speaker, asOther)
	}
	for _, b := range brandsHere {
		if state.Brands[b] == 0 {
			state.BrandFirst = append(state.BrandFirst, b)
		}
		state.Brands[b]++
		if identityClaimed && state.ImpersonatedBrand == "" {
			state.ImpersonatedBrand = b
		}
	}

	level, score, hard := c.score(state)
	if hard {
		state.HardStop = true
	}
	if level.rank() > state.Peak.rank() {
		state.Peak = level
	}
	if score > state.PeakScore {
		state.PeakScore = score
	}
	if state.FirstAlertIndex < 0 && state.Peak.AtLeast(LevelSuspicious) {
		state.FirstAlertIndex = index
	}
}

// record adds one signal match to the evidence.
func (c *Classifier) record(state *State, sig *Signal, index int, text string, start, end int, act Act, speaker Speaker, asOther bool) {
	counter := sig.Role == RoleWarning || sig.Role == RoleInquiry || act == ActNegated
	switch {
	case sig.Role == RoleInquiry:
		// Only the user asks whether something is a scam.
		if speaker != SpeakerUser {
			return
		}
	case counter:
		// A warning counts whoever says it.
	case !asOther:
		return
	}
	weight := sig.Weight
	if counter {
		if act == ActNegated && sig.Role != RoleWarning {
			weight *= 0.5
		}
		if weight > state.Counter[sig.ID] {
			state.Counter[sig.ID] = weight
		}
	} else if weight > state.Evidence[sig.ID] {
		state.Evidence[sig.ID] = weight
	}
	quotes := 0
	for i := range state.Hits {
		if state.Hits[i].Signal == sig.ID {
			quotes++
		}
	}
	if quotes >= MaxHitsPerSignal {
		return
	}
	state.Hits = append(state.Hits, Hit{
		Signal:       sig.ID,
		Role:         sig.Role,
		MessageIndex: index,
		Start:        start,
		End:          end,
		Match:        text[start:end],
		Act:          act,
		Speaker:      speaker,
	})
}

// negationWindow is how many folded runes before a phrase a negation cue may
// stand and still negate it ("we will never ask you for your code").
const negationWindow = 30

// negated reports whether a negation cue stands before m in its clause.
func (c *Classifier) negated(folded *Folded, matches []match, m match) bool {
	clause := folded.Clause[m.start]
	for _, other := range matches {
		if other.end > m.start || m.start-other.end > negationWindow || folded.Clause[other.start] != clause {
			continue
		}
		for _, ref := range c.matcher.patterns[other.pattern].payloads {
			if c.payloads[ref].kind == payloadNegation {
				return true
			}
		}
	}
	return false
}
