package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/scamguard/scamguard/prompts"
)

// responseFormat is how the answer's JSON is asked for. Servers support
// less and less down the list; a server that refuses one (400) is asked
// with the next, and the Judge remembers what worked.
type responseFormat int32

const (
	formatJSONSchema responseFormat = iota
	formatJSONObject
	formatText
)

func (f responseFormat) openai() *openai.ChatCompletionResponseFormat {
	switch f {
	case formatJSONSchema:
		return &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   "scamguard_verdict",
				Schema: prompts.AnswerSchema(),
				Strict: true,
			},
		}
	case formatJSONObject:
		return &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return nil
}

// callError is a failed call with the reason counted in the stats.
type callError struct {
	reason string
	// endpoint is true when the endpoint failed (network, timeout, 429,
	// 5xx): the circuit breaker counts those, not bad answers.
	endpoint bool
	err      error
}

func (e *callError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// Failure reasons, as counted in Stats.Failures and shown in Result.Reason.
const (
	ReasonTimeout     = "timeout"
	ReasonRateLimited = "rate limited"
	ReasonServer      = "server error"
	ReasonHTTP        = "http error"
	ReasonNetwork     = "network error"
	ReasonEmpty       = "empty answer"
	ReasonInvalid     = "invalid answer"
	ReasonCanary      = "canary missing"
)

// retryAfterKey carries, in a request's context, where the transport puts
// a failed response's Retry-After: go-openai's errors do not keep headers.
type retryAfterKey struct{}

// retryAfterTransport records the Retry-After of 429 and 5xx responses.
type retryAfterTransport struct{ next http.RoundTripper }

func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if err == nil && (res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500) {
		if holder, ok := req.Context().Value(retryAfterKey{}).(*atomic.Int64); ok {
			holder.Store(int64(parseRetryAfter(res.Header.Get("Retry-After"), time.Now())))
		}
	}
	return res, err
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent.
func parseRetryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	if seconds, err := strconv.Atoi(value); err == nil && seconds >= 0 {
		return time.Duration(seconds) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// defaultRetryDelay is the wait before the retry when no Retry-After came.
const defaultRetryDelay = 200 * time.Millisecond

// complete sends the chat request and returns the answer's text. It steps
// down the response formats on 400, and retries once on 429 or 5xx after
// Retry-After when the deadline leaves room for it.
func (j *Judge) complete(ctx context.Context, system, user string) (string, error) {
	retried := false
	for {
		format := responseFormat(j.format.Load())
		holder := new(atomic.Int64)
		res, err := j.client.CreateChatCompletion(context.WithValue(ctx, retryAfterKey{}, holder), openai.ChatCompletionRequest{
			Model: j.cfg.Model,
			Messages: []openai.ChatCompletionMessage{
				{Role: openai.ChatMessageRoleSystem, Content: system},
				{Role: openai.ChatMessageRoleUser, Content: user},
			},
			Temperature:    0,
			MaxTokens:      j.cfg.MaxTokens,
			ResponseFormat: format.openai(),
		})
		if err == nil {
			if len(res.Choices) == 0 || res.Choices[0].Message.Content == "" {
				return "", &callError{reason: ReasonEmpty, err: errors.New("no content in the answer")}
			}
			return res.Choices[0].Message.Content, nil
		}
		status := statusOf(err)
		switch {
		case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
			return "", &callError{reason: ReasonTimeout, endpoint: true, err: err}
		case (status == http.StatusBadRequest || status == http.StatusUnprocessableEntity) && format < formatText:
			// The server does not take this response format: ask with the
			// next one, and keep asking so from now on.
			j.format.CompareAndSwap(int32(format), int32(format+1))
			j.log.Info("LLM server refused a response format; stepping down", "format", int(format), "status", status)
			continue
		case status == http.StatusTooManyRequests || status >= 500:
			reason := ReasonServer
			if status == http.StatusTooManyRequests {
				reason = ReasonRateLimited
			}
			wait := time.Duration(holder.Load())
			if wait == 0 {
				wait = defaultRetryDelay
			}
			if retried || !fitsBefore(ctx, wait) {
				return "", &callError{reason: reason, endpoint: true, err: err}
			}
			retried = true
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return "", &callError{reason: ReasonTimeout, endpoint: true, err: ctx.Err()}
			}
			continue
		case status != 0:
			return "", &callError{reason: ReasonHTTP, endpoint: true, err: fmt.Errorf("status %d: %w", status, err)}
		}
		return "", &callError{reason: ReasonNetwork, endpoint: true, err: err}
	}
}

// fitsBefore reports whether waiting d leaves the context time to retry.
func fitsBefore(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// statusOf returns the HTTP status of a go-openai error, 0 when none.
func statusOf(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}
