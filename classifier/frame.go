package classifier

// Frame is how a turn presents a scam script: played live by the other
// party, retold by someone who got away, described by a warning or news
// article, or asked about by someone still deciding. The same words are a
// demand in one frame and a story in another.
type Frame string

// The frames. A retelling or a warning names a script nobody is playing on
// the reader now, so it never raises the level; a question comes from
// someone who may still act, so it counts like a report and a hard stop in
// it is answered with a clear no.
const (
	FrameLive     Frame = "live"
	FrameRetold   Frame = "retold"
	FrameWarning  Frame = "warning"
	FrameQuestion Frame = "question"
)

// live reports whether a turn in this frame is evidence about the
// conversation (live exchanges and questions), rather than a story.
func (f Frame) live() bool { return f == FrameLive || f == FrameQuestion || f == "" }

// frameCues are the cues of one turn that decide its frame.
type frameCues struct {
	reporting, described bool
	// closure: the retelling ends with the teller refusing ("我挂了",
	// "I hung up", "差点被骗").
	closure bool
	// question: the teller asks whether it is real or what to do.
	question bool
	// asker: the turn is the protected person's, asking this bot about
	// their own situation ("I need to top up $2,000 to unlock my
	// commission. Should I borrow it?") with no one's words relayed.
	asker bool
	// past: the turn places what it tells in a time already gone.
	past bool
	// ongoing: the turn says what it tells is under way now ("现在").
	ongoing bool
	// act: the turn asks whether to act ("要不要", "should I"), not
	// whether something is a scam.
	act bool
	// recovery: the turn tells of an offer to get a loss back ("a
	// recovery firm… can get it back for a fee"): after a scam told as
	// over, a new one under way.
	recovery bool
	// story: the turn names a story, a lure, an identity, a turn or
	// pressure (not only a payment word): someone describing what is
	// being done to them, not asking in general.
	story bool
	// warnings counts the stretches holding a warning phrase: two of them
	// ("that's a scam… stay away") make a turn advice.
	// news counts distinct cues of a report about scams: the scammer as a
	// third person ("骗子", "fraudsters"), victims, "police warn".
	news int
	// selfDemand: the speaker asks for something to be sent to themselves
	// ("发给我", "send me") or tells the reader what they must do now
	// ("您需要", "you need to"): a live script, whatever else it quotes.
	selfDemand bool
	warnings   int
	// negated counts the stretches whose scam phrases are negated or
	// warned against; strongAsserted: the turn asserts a strong one.
	negated        int
	strongAsserted bool
	// urges: the turn asserts a move, a bait or pressure outside its
	// warnings; dissuades: it tells the reader not to make a move.
	urges, dissuades bool
	// passesOn: the teller passes a message on to everyone ("提提大家",
	// "heads up for anyone"), not asking about it.
	passesOn bool
}

// asksAboutWhatWasTold: a turn that tells what someone said and ends on a
// question mark ("美团客服说…让我开屏幕共享，现在要点共享吗？") asks about
// it, whatever words the question uses; not a story told with its outcome
// ("…she lost $8,000, can we get it back?", "被骗了…怎么办？"), which asks
// about the aftermath.
func (f frameCues) asksAboutWhatWasTold(endsAsQuestion bool) bool {
	return endsAsQuestion && (f.reporting || f.described) && f.news == 0 && !f.closure
}

// asksWhetherToGoOn: doing it now and asking whether it is real ("我现在在扫
// 这个是真的吧", "我而家填緊，有冇問題？") asks whether to go on.
func (f frameCues) asksWhetherToGoOn() bool { return f.question && f.ongoing }

// frame decides the frame of a turn from its cues.
func (f frameCues) frame() Frame {
	switch {
	case f.closure && (f.described || f.reporting) && !(f.act && (f.ongoing || f.recovery)):
		// Not when the teller, still in it now, asks whether to go on
		// ("现在说最后一单要充15000才能提现，不然前面都拿不回来，我要不要再充？").
		return FrameRetold
	case f.news >= 3, !f.selfDemand && (f.news >= 2 || f.warnings >= 2),
		// One mark of a report with one warning is advice only when the
		// turn asserts nothing strong of its own: "…to all residents. Tap
		// here to apply… Beware of scams!" is the scam signing off.
		!f.selfDemand && !f.strongAsserted && f.warnings >= 1 && (f.news >= 1 || f.negated >= 2):
		// Three marks of a report (scammers, victims, "police warn") make
		// one even when it paraphrases the script's demands ("…say you
		// must call 'Microsoft Support'").
		return FrameWarning
	case f.question && (f.described || f.reporting || f.asker && f.story):
		return FrameQuestion
	case f.past && (f.described || f.reporting && f.news > 0) && !f.selfDemand && !(f.act && f.recovery):
		// "昨天有一个自称地检署的人打来说…": a call described in the past
		// is told, not played, refused or not; so is what someone said to
		// a victim, told in the past ("我表哥前天被骗了…有人说是抖音客服").
		return FrameRetold
	}
	return FrameLive
}

// frameOf picks the frame of the whole conversation. A conversation that
// reached a warning level is live (or a question); otherwise the frame
// whose turns carried the most evidence wins, live when nothing was seen.
func frameOf(state *State) Frame {
	if state.level() != LevelNone {
		// Someone asking whether to act on a script that reached a level
		// is asking a question, whoever's words carried the evidence.
		if state.FrameWeight[FrameQuestion] > 0 {
			return FrameQuestion
		}
		return FrameLive
	}
	if state.Retold {
		// The story ended with a refusal and nothing else reached a level.
		return FrameRetold
	}
	return leaningFrame(state)
}

// leaningFrame is the frame whose turns carried the most evidence, live
// when nothing was seen: the conversation's frame while no level is
// reached.
func leaningFrame(state *State) Frame {
	best, bestWeight := FrameLive, state.FrameWeight[FrameLive]
	for _, f := range []Frame{FrameQuestion, FrameRetold, FrameWarning} {
		if w := state.FrameWeight[f]; w > bestWeight {
			best, bestWeight = f, w
		}
	}
	return best
}
