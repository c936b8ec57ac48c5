"""One error shape for every refusal: sync.contract.ErrorBody {code, message (Chinese)}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.contract import ErrorBody, ErrorCode


class PlatformProblem(Exception):
    """Raised by a route: answered as ErrorBody with this status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(ErrorBody(code=code, message=message).model_dump(), status_code=status, headers=headers)


def _field_name(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path"))


async def _problem(_request: Request, exc: PlatformProblem) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = _field_name(tuple(first.get("loc", ()))) or "请求"
    return error_response(422, ErrorCode.BAD_REQUEST, f"请求内容不符合接口约定：字段 {where} 有误（{first.get('msg', '')}）。")


async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        return error_response(404, ErrorCode.NOT_FOUND, "没有这个接口地址。")
    if exc.status_code == 405:
        return error_response(405, ErrorCode.BAD_REQUEST, "这个接口不支持该请求方法。")
    return error_response(exc.status_code, ErrorCode.BAD_REQUEST, str(exc.detail))


async def _crash(_request: Request, _exc: Exception) -> JSONResponse:
    return error_response(500, ErrorCode.SERVER_ERROR, "平台内部错误，请稍后重试。")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PlatformProblem, _problem)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _crash)
