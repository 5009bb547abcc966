package llm

import (
	"time"

	"github.com/scamguard/scamguard/classifier"
)

// The environment variables that configure the LLM stage, in one place so
// that the README's option table, `scamguard bot --help` and the wiring
// read the same names.
const (
	// EnvAPIKey is the API key; with EnvBaseURL unset it means OpenAI.
	EnvAPIKey = "OPENAI_API_KEY"
	// EnvBaseURL is any OpenAI-compatible server (DeepSeek, Qwen
	// compatible mode, vLLM, Ollama, llama.cpp server), up to and
	// including /v1.
	EnvBaseURL = "OPENAI_BASE_URL"
	// EnvModel is the model name the server expects.
	EnvModel = "OPENAI_MODEL"
	// EnvTimeout bounds one review, retry included (Go duration).
	EnvTimeout = "SCAMGUARD_LLM_TIMEOUT"
	// EnvUserPerHour and EnvGlobalPerHour cap LLM calls per user and in
	// all per clock hour; 0 means no cap.
	EnvUserPerHour   = "SCAMGUARD_LLM_USER_PER_HOUR"
	EnvGlobalPerHour = "SCAMGUARD_LLM_GLOBAL_PER_HOUR"
	// EnvGreyLow and EnvGreyHigh bound the grey zone of the heuristic
	// score: [low, high).
	EnvGreyLow  = "SCAMGUARD_LLM_GREY_LOW"
	EnvGreyHigh = "SCAMGUARD_LLM_GREY_HIGH"
	// EnvDebounce is the least time between two calls for one
	// conversation (Go duration).
	EnvDebounce = "SCAMGUARD_LLM_DEBOUNCE"
)

// DefaultModel is used when EnvModel is unset.
const DefaultModel = "gpt-4o-mini"

// Config is the LLM stage's configuration. The zero value of a field means
// its default (DefaultConfig), except the limits, where DefaultConfig's
// values are the binary's defaults (cmd/scamguard) and 0 means no cap.
type Config struct {
	// APIKey authenticates with the server; empty for local servers.
	APIKey string
	// BaseURL is the server's API root (".../v1"); empty means OpenAI when
	// APIKey is set. With neither, the stage is off.
	BaseURL string
	// Model is the model name.
	Model string
	// Timeout bounds a whole review: cache, budget, the call and its
	// retry. The user is answered within it either way.
	Timeout time.Duration
	// UserPerHour and GlobalPerHour cap calls per clock hour; 0: no cap.
	UserPerHour   int
	GlobalPerHour int
	// GreyLow and GreyHigh bound the grey zone of the heuristic score,
	// [GreyLow, GreyHigh): the LLM is asked only there, or when a flagged
	// conversation has no scam type. Inside it the LLM may also lower a
	// verdict.
	GreyLow, GreyHigh float64
	// Debounce is the least time between two calls for one conversation.
	Debounce time.Duration
	// RaiseConfidence and LowerConfidence are the least confidence an
	// answer needs to raise, or to lower, a level.
	RaiseConfidence, LowerConfidence float64
	// MaxMessages and MaxMessageRunes bound what is sent: the last
	// MaxMessages messages, each cut to MaxMessageRunes.
	MaxMessages     int
	MaxMessageRunes int
	// BreakerFailures failed calls in a row open the circuit breaker for
	// BreakerCooldown: no calls until then, then one trial.
	BreakerFailures int
	BreakerCooldown time.Duration
	// MaxTokens caps the answer's length.
	MaxTokens int
}

// DefaultConfig returns the defaults, with the stage off (no key, no URL).
func DefaultConfig() Config {
	return Config{
		Model:           DefaultModel,
		Timeout:         8 * time.Second,
		UserPerHour:     20,
		GlobalPerHour:   1000,
		GreyLow:         0.2,
		GreyHigh:        classifier.ScamThreshold,
		Debounce:        5 * time.Second,
		RaiseConfidence: 0.6,
		LowerConfidence: 0.8,
		MaxMessages:     20,
		MaxMessageRunes: 800,
		BreakerFailures: 5,
		BreakerCooldown: 30 * time.Second,
		MaxTokens:       400,
	}
}

// Configured reports whether an LLM is configured: a key or a base URL.
func (c Config) Configured() bool { return c.APIKey != "" || c.BaseURL != "" }

// withDefaults fills the zero fields that have no meaning at zero.
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.Model == "" {
		c.Model = def.Model
	}
	if c.Timeout <= 0 {
		c.Timeout = def.Timeout
	}
	if c.GreyLow == 0 && c.GreyHigh == 0 {
		c.GreyLow, c.GreyHigh = def.GreyLow, def.GreyHigh
	}
	if c.RaiseConfidence <= 0 {
		c.RaiseConfidence = def.RaiseConfidence
	}
	if c.LowerConfidence <= 0 {
		c.LowerConfidence = def.LowerConfidence
	}
	if c.MaxMessages <= 0 {
		c.MaxMessages = def.MaxMessages
	}
	if c.MaxMessageRunes <= 0 {
		c.MaxMessageRunes = def.MaxMessageRunes
	}
	if c.BreakerFailures <= 0 {
		c.BreakerFailures = def.BreakerFailures
	}
	if c.BreakerCooldown <= 0 {
		c.BreakerCooldown = def.BreakerCooldown
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = def.MaxTokens
	}
	return c
}

// InGreyZone reports whether a heuristic score is in [GreyLow, GreyHigh).
func (c Config) InGreyZone(score float64) bool {
	return score >= c.GreyLow && score < c.GreyHigh
}

// Gate says whether a heuristic verdict goes to the LLM, and why: its score
// is in the grey zone, or it is flagged without a scam type. Clear cases
// (benign chat below the zone, a confident typed verdict above it) never
// do. It is the same rule that Review applies, exported so that eval can
// measure how many messages would reach the LLM.
func (c Config) Gate(v classifier.Verdict) (bool, string) {
	switch {
	case v.Level != classifier.LevelNone && v.Type == "":
		return true, "flagged without a scam type"
	case c.InGreyZone(v.Score):
		return true, "score in the grey zone"
	case v.Score < c.GreyLow:
		return false, "below the grey zone"
	}
	return false, "above the grey zone"
}
