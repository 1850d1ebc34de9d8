import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/tus/retry-budget.js';

describe('RetryBudget', () => {
  it('is exhausted after maxAttempts failures in a row without progress', () => {
    const budget = new RetryBudget(3);
    budget.observed(100);
    expect(budget.failed()).toBe(1);
    expect(budget.failed()).toBe(2);
    expect(budget.exhausted).toBe(false);
    expect(budget.failed()).toBe(3);
    expect(budget.exhausted).toBe(true);
  });

  it('resets the count when the server offset advances beyond the best seen', () => {
    const budget = new RetryBudget(3);
    budget.observed(0);
    budget.failed();
    budget.failed();
    budget.observed(10);
    expect(budget.failuresInARow).toBe(0);
    budget.failed();
    budget.failed();
    // The same or a lower offset (a server that lost bytes) is not progress.
    budget.observed(10);
    budget.observed(5);
    expect(budget.failuresInARow).toBe(2);
    expect(budget.failed()).toBe(3);
    expect(budget.exhausted).toBe(true);
  });

  it('does not count the first report as progress', () => {
    const budget = new RetryBudget(2);
    budget.failed();
    budget.observed(500);
    expect(budget.failuresInARow).toBe(1);
  });
});
