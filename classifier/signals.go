package classifier

import (
	_ "embed"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Role is the part a phrase plays in a scam script. The scorer reasons about
// roles, not phrases: a money move demanded in a customer-service context is a
// hard stop whichever words were used.
type Role string

// Roles of the script (see ../shared/data/scam-types.md), the genre signals of
// single messages (SMS, robocalls), and the counter-signals.
const (
	// RoleImpersonation: the other party claims to be customer service, a
	// courier, a platform, a bank, the police or another authority.
	RoleImpersonation Role = "impersonation"
	// RolePretext: the story that opens the script: refund, double
	// compensation, lost parcel, membership auto-renewal, student loan record,
	// "million protection", prize, tax refund, flight cancelled, etc.
	RolePretext Role = "pretext"
	// RoleCredibility: trust building: knows your order / tracking number,
	// work id, "official" case number.
	RoleCredibility Role = "credibility"
	// RolePivot: the turn towards money: credit score too low, "run turnover",
	// account frozen, involved in a case, refund failed.
	RolePivot Role = "pivot"
	// RoleMoneyMove: the payment step: borrow from a loan app, buy gift cards /
	// send card codes, transfer to a "safe" account, share the screen, give a
	// verification code, scan a QR code, move to another chat app, pay a fee.
	RoleMoneyMove Role = "money_move"
	// RolePressure: urgency and secrecy: urgent, don't tell anyone, don't hang up.
	RolePressure Role = "pressure"
	// RoleLure: the bait of unsolicited messages: you have won, easy money,
	// guaranteed returns.
	RoleLure Role = "lure"
	// RoleAction: the call to action of single messages: click the link,
	// press 1, call this number, reply Y.
	RoleAction Role = "action"
	// RoleLink: a web link in the message; found by code (links.go), not phrases.
	RoleLink Role = "link"
	// RoleWarning is a counter-signal: anti-fraud advice ("we will never ask
	// for your code", "警惕冒充客服").
	RoleWarning Role = "warning"
	// RoleInquiry is a counter-signal: the user asking whether something is a scam.
	RoleInquiry Role = "inquiry"
)

var knownRoles = map[Role]bool{
	RoleImpersonation: true, RolePretext: true, RoleCredibility: true, RolePivot: true,
	RoleMoneyMove: true, RolePressure: true, RoleLure: true, RoleAction: true,
	RoleWarning: true, RoleInquiry: true, RoleLink: true,
}

// Act is how a phrase was used where it matched.
type Act string

// Acts: ActAssert is a claim or demand in the speaker's own voice; ActNegated
// is the phrase under a negation or warning ("we will never ask for ..."),
// which turns it into a counter-signal.
const (
	ActAssert  Act = "assert"
	ActNegated Act = "negated"
	// ActDescribed is a phrase in a retelling or a warning: it names the
	// scam and counts for nothing.
	ActDescribed Act = "described"
)

// Signal is one entry of signals.yaml.
type Signal struct {
	// ID is unique and stable; replies and moderators refer to it.
	ID string `yaml:"id"`
	// Role is the signal's part in the script.
	Role Role `yaml:"role"`
	// Weight is how much the signal alone says about a scam, in (0, 1].
	Weight float64 `yaml:"weight"`
	// Lang is "zh", "en" or "any".
	Lang string `yaml:"lang"`
	// Types are the scam-type slugs this signal points to.
	Types []string `yaml:"types"`
	// Hard marks a money move that is a hard stop when the other party demands
	// it in a customer-service or pretext context.
	Hard bool `yaml:"hard"`
	// Alone marks a hard money move that needs no context to be a hard
	// stop: no honest party asks for it at all (the one-time code sent to
	// the reader's phone, read back to whoever asks).
	Alone bool `yaml:"alone"`
	// LooksBack marks a warning that judges the words before it ("…都是诈骗",
	// "…is a scam"); other warnings govern the words after them ("谨防…",
	// "beware of…").
	LooksBack bool `yaml:"looks_back"`
	// Reassures marks a warning in the speaker's own voice ("we will never
	// ask for your PIN"): it acts in scope but is no sign that a turn is
	// advice, since scripts say it too.
	Reassures bool `yaml:"reassures"`
	// Phrases are matched after normalisation (see Normalize): case,
	// width, separators, Traditional characters and look-alikes do not matter.
	Phrases []string `yaml:"phrases"`
	// Near matches a verb and its object with a few words between them
	// ("buy two Apple gift cards", "把收到的验证码告诉我"), which fixed phrases
	// cannot enumerate.
	Near *Near `yaml:"near"`
}

// Near is a pair of word lists that make a signal when a word of each
// stands close together in one clause.
type Near struct {
	// First and Then are the two word lists.
	First []string `yaml:"first"`
	Then  []string `yaml:"then"`
	// Window is the most folded runes allowed between the two words.
	Window int `yaml:"window"`
	// AnyOrder lets Then come before First (Chinese often puts the object
	// first: "把验证码告诉我").
	AnyOrder bool `yaml:"any_order"`
	// AcrossCommas lets the pair span a comma in one sentence: a demand
	// and its object are often two phrases ("你收到的验证码，发我一下").
	// Without it a comma breaks the pair, as it breaks a keyword.
	AcrossCommas bool `yaml:"across_commas"`
}

// Cues are small word lists that decide how a matched phrase was used.
type Cues struct {
	// Negation words before a phrase in the same clause turn it into a
	// warning ("never", "不会", "切勿").
	Negation []string `yaml:"negation"`
	// WarnAhead are negation words that govern only what follows them
	// ("谨防诈骗", "beware of…"): a demand just before one is not taken back.
	WarnAhead []string `yaml:"warn_ahead"`
	// Conditional words put a whole sentence in a hypothesis ("if anyone
	// calls saying they're your bank and wants you to install AnyDesk,
	// hang up"): they negate to the end of the sentence, however long.
	Conditional []string `yaml:"conditional"`
	// NotNegation are phrases that start with a negation word but negate
	// nothing that follows ("不要担心", "don't worry").
	NotNegation []string `yaml:"not_negation"`
	// Described are words by which anyone relays a third party's script
	// ("有人打电话说", "someone called saying"): that message's phrases are
	// reported, not demanded.
	Described []string `yaml:"described"`
	// Masks are words that contain a signal phrase without meaning it
	// ("手续费" contains "续费"); phrases inside a mask are ignored.
	Masks []string `yaml:"masks"`
	// Reporting words in a user's message mark reported speech ("他让我",
	// "they asked me to"): the phrases in it are the other party's words.
	Reporting []string `yaml:"reporting"`
	// Closure words end a retelling with the teller refusing ("我挂了",
	// "I hung up"): told with reporting or described words, the turn is a
	// retelling, which names a scam and raises nothing.
	Closure []string `yaml:"closure"`
	// Past words place what is told in a time already gone ("昨天有人打来
	// 说…", "the other day someone rang"): with a call or a message
	// described, the turn is a retelling, not a script being played.
	Past []string `yaml:"past"`
	// Ongoing words place what is told now, still under way ("现在让我",
	// "电话还通着", "right now"): someone is being worked on as we speak.
	Ongoing []string `yaml:"ongoing"`
	// OwnChannel words send the reader to a channel they control, not
	// one the speaker hands them ("拨打卡片背面的电话", "在京东App里",
	// "call the number on the back of your card", "come in person"):
	// honest institutions route people there; scripts route them away.
	OwnChannel []string `yaml:"own_channel"`
	// Question words ask whether to act ("要不要", "should I"): told with
	// reporting words, the turn is a question from someone still deciding.
	Question []string `yaml:"question"`
	// News words speak of scams from outside ("骗子", "victims", "police
	// warn"): two of them, or one with a warning, make a warning frame.
	News []string `yaml:"news"`
	// PassesOn words say the teller passes a message on to everyone
	// ("提提大家", "heads up for anyone", "posting in case"): a message
	// pasted under or over them is the warning's example.
	PassesOn []string `yaml:"passes_on"`
	// Dissuades words tell the reader not to make the move a script asks
	// ("千万不要充值", "请暂停这笔转账", "do not send any money"): said by
	// the other party with a warning and nothing pressed, it is the bank's
	// or the police's dissuasion call. Scripts say "we never ask for your
	// PIN"; they do not tell the reader to stop paying.
	Dissuades []string `yaml:"dissuades"`
	// Relative words name someone the teller looks after ("我外婆", "my
	// nan", "阿嬤"): a story told to us alone about them is a relay even
	// with no "he said" in it, and the word model may judge it.
	Relative []string `yaml:"relative"`
	// SelfDemand words ask for something to be handed to the speaker
	// ("发给我", "send me"): a turn with them is never a warning frame.
	SelfDemand []string `yaml:"self_demand"`
	// ScopeBreak words move a sentence on after a comma ("，现在请您",
	// ", now"): a negation before them does not reach past them.
	ScopeBreak []string `yaml:"scope_break"`
	// Contrast words ("但是", "but") end a negation's reach wherever they
	// stand.
	Contrast []string `yaml:"contrast"`
}

// SignalSet is the parsed signals.yaml.
type SignalSet struct {
	Version int      `yaml:"version"`
	Cues    Cues     `yaml:"cues"`
	Signals []Signal `yaml:"signals"`
}

//go:embed signals.yaml
var embeddedSignals []byte

// LoadSignals parses and validates a signals file.
func LoadSignals(data []byte) (*SignalSet, error) {
	var set SignalSet
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&set); err != nil {
		return nil, fmt.Errorf("parse signals: %w", err)
	}
	if err := set.validate(); err != nil {
		return nil, err
	}
	return &set, nil
}

func (s *SignalSet) validate() error {
	if s.Version != 1 {
		return fmt.Errorf("signals: unsupported version %d", s.Version)
	}
	if len(s.Signals) == 0 {
		return fmt.Errorf("signals: no signals")
	}
	seen := map[string]bool{}
	for i, sig := range s.Signals {
		where := fmt.Sprintf("signal #%d (%s)", i, sig.ID)
		switch {
		case sig.ID == "":
			return fmt.Errorf("%s: empty id", where)
		case seen[sig.ID]:
			return fmt.Errorf("%s: duplicate id", where)
		case !knownRoles[sig.Role]:
			return fmt.Errorf("%s: unknown role %q", where, sig.Role)
		case sig.Weight <= 0 || sig.Weight > 1:
			return fmt.Errorf("%s: weight %v outside (0, 1]", where, sig.Weight)
		case sig.Lang != "zh" && sig.Lang != "en" && sig.Lang != "any":
			return fmt.Errorf("%s: lang %q is not zh, en or any", where, sig.Lang)
		case sig.Hard && sig.Role != RoleMoneyMove:
			return fmt.Errorf("%s: only money moves can be hard stops", where)
		case (sig.LooksBack || sig.Reassures) && sig.Role != RoleWarning:
			return fmt.Errorf("%s: only warnings look back or reassure", where)
		case sig.Alone && !sig.Hard:
			return fmt.Errorf("%s: alone is a kind of hard stop; set hard too", where)
		case len(sig.Phrases) == 0 && sig.Near == nil:
			return fmt.Errorf("%s: no phrases", where)
		case sig.Near != nil && (len(sig.Near.First) == 0 || len(sig.Near.Then) == 0 || sig.Near.Window < 0 || sig.Near.Window > 40):
			return fmt.Errorf("%s: near needs first and then words and a window of 0..40", where)
		}
		seen[sig.ID] = true
		if sig.Near != nil {
			// A near word stands next to its partner, so one Chinese
			// character ("买") is enough.
			for _, w := range append(append([]string(nil), sig.Near.First...), sig.Near.Then...) {
				if len([]rune(foldKey(w))) == 0 {
					return fmt.Errorf("%s: near word %q is empty after normalisation", where, w)
				}
			}
		}
		for _, p := range sig.Phrases {
			if len([]rune(foldKey(p))) < 2 {
				return fmt.Errorf("%s: phrase %q is shorter than 2 characters after normalisation", where, p)
			}
		}
	}
	return nil
}

// EmbeddedSignals returns the signals file built into the binary.
func EmbeddedSignals() []byte { return embeddedSignals }
