"""Absolute links for mail and feeds: the plumbing's, under the name the comments app used."""

from infra.links import absolute_url

__all__ = ["absolute_url"]
