package reply

import "github.com/scamguard/scamguard/classifier"

// maxShareChannels bounds the channels on a share card: it is read on a
// relative's phone after a forward.
const maxShareChannels = 2

// ShareCard writes the card a user forwards to warn their family about
// the scam of v: the scam type by name, what they will ask next, what the
// real company or authority never does, and the official channels of the
// user's region (opts, as for the reply). Everything comes from the
// catalogue and texts.yaml: never a word of the conversation, a quote, a
// name or a number the other party gave, so forwarding it shares nothing
// about the user. It is empty (Text "") for a verdict that is not a scam
// of a known type.
func (r *Renderer) ShareCard(v classifier.Verdict, opts Options, format Format) Reply {
	a := r.audienceFor(v, opts)
	t := r.texts[a.textLang]
	scamType, known := r.catalog.ScamType(v.Type)
	if v.Level != classifier.LevelScam || !known {
		return Reply{Lang: a.lang, Region: a.region}
	}
	blocks := []block{{title: t.Share.Title, lines: []line{{spans: []span{bold(scamType.Names.In(a.textLang))}}}}}
	// What they ask next at the stage reached (at payment, what they ask
	// after the money), one line: a relative meets the script afresh.
	if _, steps := nextStep(scamType, v.Stage, a.textLang, t); len(steps) > 0 && steps[len(steps)-1] != "" && r.fits(a, steps[len(steps)-1]) {
		blocks = append(blocks, block{title: t.Share.Next, lines: []line{{spans: []span{text(steps[len(steps)-1])}}}})
	}
	if never := r.catalog.NeverDoesFor(v.Type, a.textLang, a.allowed...); never != "" {
		blocks = append(blocks, block{lines: []line{{spans: labelled(t.Share.Remember, never)}}})
	}
	// The region's anti-fraud lines, not the brand the user's scammer
	// named nor the type's platforms: a relative's bank or shop may be
	// another, and the anti-fraud line answers about any of them.
	channels := r.catalog.VerifyIn("", "", a.textLang, a.region)
	verify := block{title: t.Share.Verify, bullets: true}
	for i, item := range channels {
		if i == maxShareChannels {
			break
		}
		verify.lines = append(verify.lines, line{spans: channelSpans(item, t)})
	}
	blocks = append(blocks, verify, block{lines: []line{{spans: []span{text(t.Share.Footer)}}}})
	m := message{lang: a.lang, textLang: a.textLang, region: a.region, t: t, custom: blocks, verify: channels[:min(len(channels), maxShareChannels)]}
	short, more := m.write(format, r.htmlLimit)
	return m.reply(short, more)
}
