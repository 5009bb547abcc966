package bot

import "sync"

// lanes run jobs one chat at a time and chats side by side: the jobs of
// one chat run in the order they were added, each after the previous one
// finished, while other chats' jobs run on other goroutines. A chat holds a
// goroutine only while it has work, so a million quiet chats cost nothing,
// and at most `workers` chats run at once.
type lanes struct {
	mu      sync.Mutex
	byChat  map[int64][]func()
	busy    chan struct{} // a token per running chat
	running sync.WaitGroup
	closed  bool
}

func newLanes(workers int) *lanes {
	return &lanes{byChat: make(map[int64][]func()), busy: make(chan struct{}, workers)}
}

// add queues job for chat and reports whether it was accepted: after close
// nothing is.
func (l *lanes) add(chat int64, job func()) bool {
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
func (l *lanes) drain(chat int64) {
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

// close refuses new jobs; wait returns when every queued job has run.
func (l *lanes) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
}

func (l *lanes) wait() { l.running.Wait() }
