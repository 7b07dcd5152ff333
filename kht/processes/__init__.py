"""The kind-neutral parts of the process engine: stage gates and approvals for any kind."""
