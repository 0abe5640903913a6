"""`POST /interest`: expression-of-interest letters for chosen programmes, as `matcher interest`
writes them (Markdown, one e-mail or a zip of them, or Word)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from matcher.api.guards import documented_errors
from matcher.api.live import LiveMatcher
from matcher.api.models import Statement
from matcher.i18n.messages import detect_language
from matcher.interest import MAX_PROGRAMMES, LetterFormat, render_letters
from matcher.interest.letters import MAX_COUNTRY_CHARS

router = APIRouter(tags=["search"])


class InterestRequest(BaseModel):
    """Letters for chosen programmes (`matcher interest`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    statement: Statement
    ids: Annotated[
        list[Annotated[str, Field(max_length=12)]], Field(max_length=10 * MAX_PROGRAMMES)
    ] = Field(
        description=f"The chosen initiative ids, 1 to {MAX_PROGRAMMES} (422 names unknown ones)."
    )
    country: Annotated[str, Field(max_length=MAX_COUNTRY_CHARS)] = ""
    lang: Literal["en", "es", "fr", "pt", "ru", "ar"] | None = Field(
        None, description="The letters' language (default: the statement's)."
    )
    format: LetterFormat = Field(LetterFormat.MARKDOWN, strict=False)


def _responses() -> dict[int | str, dict[str, Any]]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {
        "text/markdown": {"schema": {"type": "string"}},
        "message/rfc822": binary,
        "application/zip": binary,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": binary,
    }
    return {200: {"description": "The letters in the asked format.", "content": content}}


@router.post(
    "/interest",
    response_class=Response,
    responses={**_responses(), **documented_errors(413, 422)},
)
def interest(body: InterestRequest, request: Request) -> Response:
    """One letter per implementing organisation for the chosen programmes: Markdown, Word, one
    e-mail (message/rfc822), or a zip of e-mails when several organisations are chosen."""
    live: LiveMatcher = request.app.state.live
    letters = live.current().interest_letters(body.statement, body.ids, country=body.country)
    made = render_letters(letters, body.format, body.lang or detect_language(body.statement))
    name = f"interest.{made.extension}"
    return Response(
        made.content,
        media_type=made.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
