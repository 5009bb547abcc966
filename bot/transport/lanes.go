package transport

import "sync"

// Lanes run jobs one chat at a time and chats side by side: the jobs of
// one chat run in the order they were added, each after the previous one
// finished, while other chats' jobs run on other goroutines. A chat holds a
// goroutine only while it has work, so a million quiet chats cost nothing,
// and at most `workers` chats run at once.
type Lanes struct {
	mu      sync.Mutex
	byChat  map[int64][]func()
	busy    chan struct{} // a token per running chat
	running sync.WaitGroup
	closed  bool
}

// NewLanes runs at most workers chats at once.
func NewLanes(workers int) *Lanes {
	return &Lanes{byChat: make(map[int64][]func()), busy: make(chan struct{}, workers)}
}

// Add queues job for chat and reports whether it was accepted: after close
// nothing is.
func (l *Lanes) Add(chat int64, job func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	queue, active := l.byChat[chat]
	l.byChat[chat] = append(queue, job)
	if !active {
		l.running.Add(1)
		go l.drain(chat)
	}
	return true
}

// drain runs chat's jobs until its queue is empty, then lets the chat go.
func (l *Lanes) drain(chat int64) {
	defer l.running.Done()
	l.busy <- struct{}{}
	defer func() { <-l.busy }()
	for {
		l.mu.Lock()
		queue := l.byChat[chat]
		if len(queue) == 0 {
			delete(l.byChat, chat)
			l.mu.Unlock()
			return
		}
		job := queue[0]
		queue[0] = nil
		l.byChat[chat] = queue[1:]
		l.mu.Unlock()
		job()
	}
}

// Close refuses new jobs; Wait returns when every queued job has run.
func (l *Lanes) Close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
}

func (l *Lanes) Wait() { l.running.Wait() }
