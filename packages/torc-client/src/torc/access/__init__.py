"""Access control from the client's side: access groups, memberships, workflow sharing
and worker tokens (see :mod:`torc.access.groups` and :mod:`torc.access.tokens`)."""
