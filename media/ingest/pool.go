package ingest

import (
	"context"
	"sync"
)

// Pool runs imports on a bounded number of workers: decoding a call takes a
// core, and the room's small machine also has to play audio smoothly, so the
// default is one. It is an errgroup worker: Run until the context ends.
type Pool struct {
	workers int
	jobs    chan func(context.Context)
}

// NewPool makes a pool of n workers (at least one).
func NewPool(n int) *Pool {
	if n < 1 {
		n = 1
	}
	return &Pool{workers: n, jobs: make(chan func(context.Context))}
}

// Submit hands job to the next free worker, waiting for one; it gives up
// with ctx's error when ctx ends first. The job receives Run's context, so
// shutting the pool down cancels the imports in progress.
func (p *Pool) Submit(ctx context.Context, job func(context.Context)) error {
	select {
	case p.jobs <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run serves jobs until ctx ends, then waits for the jobs in progress
// (which see ctx cancelled) and returns nil.
func (p *Pool) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case job := <-p.jobs:
					job(ctx)
				}
			}
		}()
	}
	wg.Wait()
	return nil
}
