package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.deploy.DeployBusyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every refusal into {@code {"code", "message"}} with the status of its {@link ErrorCode}. */
@RestControllerAdvice
class ApiExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ControlPlaneException.class)
    ResponseEntity<ApiError> refused(ControlPlaneException e) {
        return answer(e.code(), e.getMessage());
    }

    @ExceptionHandler(DeployBusyException.class)
    ResponseEntity<ApiError> busy(DeployBusyException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.valueOf(e.code().status()))
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError(e.code().name(), e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return answer(
                ErrorCode.MALFORMED_REQUEST,
                "the request body is not the JSON expected ("
                        + e.getMostSpecificCause().getMessage() + ")");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> badParameter(MethodArgumentTypeMismatchException e) {
        return answer(
                ErrorCode.MALFORMED_REQUEST,
                "'" + e.getName() + "' is '" + e.getValue() + "' (expected: "
                        + (e.getRequiredType() == null
                                ? "another value"
                                : e.getRequiredType().getSimpleName()) + ")");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> unsupportedType(HttpMediaTypeNotSupportedException e) {
        return answer(
                ErrorCode.UNSUPPORTED_CONTENT_TYPE,
                "Content-Type '" + e.getContentType() + "' is not accepted here (expected: "
                        + e.getSupportedMediaTypes() + ")");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> wrongMethod(HttpRequestMethodNotSupportedException e) {
        return answer(
                ErrorCode.METHOD_NOT_ALLOWED,
                "method " + e.getMethod() + " is not allowed here (expected: " + e.getSupportedHttpMethods() + ")");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noSuchPath(NoResourceFoundException e) {
        return answer(
                ErrorCode.NOT_FOUND, "no such path: /" + e.getResourcePath() + " (see /swagger-ui.html for the API)");
    }

    /** A streamed answer's reader went away (e.g. {@code lever logs -f} stopped): nothing to answer. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void readerLeft() {}

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> failed(Exception e) {
        log.error("Request failed", e);
        return answer(ErrorCode.INTERNAL, "the control plane failed: " + e + " (see its log)");
    }

    private static ResponseEntity<ApiError> answer(ErrorCode code, String message) {
        return ResponseEntity.status(HttpStatus.valueOf(code.status()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError(code.name(), message));
    }
}
