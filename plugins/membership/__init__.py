"""The Membership industry pack (会员制)."""
