package classifier

// Level is how sure the classifier is that a conversation is a scam.
type Level string

// The three levels, from quiet to loud. The wording for LevelNone is
// "no known scam signs", never "safe": absence of evidence is all we know.
const (
	LevelNone       Level = "none"
	LevelSuspicious Level = "suspicious"
	LevelScam       Level = "scam"
)

// rank orders levels so that a verdict can only rise.
func (l Level) rank() int {
	switch l {
	case LevelScam:
		return 2
	case LevelSuspicious:
		return 1
	}
	return 0
}

// AtLeast reports whether l is as loud as other or louder.
func (l Level) AtLeast(other Level) bool { return l.rank() >= other.rank() }

// Speaker says who wrote a message of a conversation.
type Speaker string

// Speakers: SpeakerOther is the party contacting or serving the protected
// person (the claimed customer service, the caller, the SMS sender);
// SpeakerUser is the protected person.
const (
	SpeakerOther Speaker = "other"
	SpeakerUser  Speaker = "user"
)

// Message is one message of a conversation, as written.
type Message struct {
	From Speaker
	Text string
	// HiddenSender is set when the message was forwarded from someone who
	// hides their account (Telegram's hidden_user origin): a weak signal
	// of its own, since a company's agents speak from accounts it owns.
	HiddenSender bool
}

// Conversation is the input of the classifier: messages in the order they
// were sent.
type Conversation struct {
	Messages []Message
}

// Hit is one signal seen in a conversation, pointing back at the original text
// so that a reply can quote what the other party actually wrote.
type Hit struct {
	// Signal is the id of the signal in signals.yaml.
	Signal string `json:"id"`
	// Role is the signal's role in the scam script.
	Role Role `json:"role"`
	// MessageIndex is the index of the message the match is in.
	MessageIndex int `json:"message_index"`
	// Start and End are byte offsets of the match in the original message text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Match is the original text of the match (Text[Start:End]).
	Match string `json:"match"`
	// Act is how the phrase was used: a demand or claim, or negated/warned against.
	Act Act `json:"act"`
	// Weight is what the hit counted for (the signal's weight, scaled down
	// for reported or own words), so a reply can quote the strongest.
	Weight float64 `json:"weight"`
	// Speaker wrote the message (reported speech by the user counts as the other party's words).
	Speaker Speaker `json:"speaker"`
}

// Verdict is the classifier's answer for a whole conversation.
type Verdict struct {
	// Level is scam, suspicious or none.
	Level Level `json:"level"`
	// Score is the evidence in 0..1; thresholds on it give Level.
	Score float64 `json:"score"`
	// Type is the scam-type slug (catalog scam types), empty when unknown.
	Type string `json:"type"`
	// Stage is how far the script has gone: open, credibility, pivot or payment.
	Stage string `json:"stage"`
	// Frame is how the conversation presents the script: live, retold,
	// warning or question. A retold or warning frame names a scam (Type)
	// at level none: nobody is playing it on the reader.
	Frame Frame `json:"frame"`
	// Brand is the id of the impersonated brand in the catalog, empty when none was named.
	Brand string `json:"brand"`
	// Signals are the evidence, in message order; counter-signals included.
	Signals []Hit `json:"signals"`
	// HardStop is set when the other party demanded a money move in a
	// customer-service or pretext context: no later engine may clear it.
	HardStop bool `json:"hard_stop"`
	// Engines lists the engines that decided, in order ("heuristic", "llm").
	Engines []string `json:"engines"`
	// FirstAlertIndex is the index of the first message at which the verdict
	// was suspicious or scam when messages arrive one at a time; -1 when never.
	FirstAlertIndex int `json:"first_alert_index"`
	// Language is the conversation's language as detected: "zh", "zh-Hant" or "en".
	Language string `json:"language"`
	// Explanation is one or two sentences, in the user's language, saying
	// why; written by the LLM stage (package llm), empty from the
	// heuristics. It is untrusted model output, cleaned for display.
	Explanation string `json:"explanation,omitempty"`
}
