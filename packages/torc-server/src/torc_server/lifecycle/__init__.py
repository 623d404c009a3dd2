"""The job lifecycle: initialization, claims, completion, unblocking and resets."""
