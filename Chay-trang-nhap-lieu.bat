@echo off
rem Bam dup de mo trang nhap lieu tren trinh duyet. Lan dau tu cai dat (can Internet).
rem Dong cua so nay la tat trang.
rem Double-click: opens the browser page; the first time it installs what the tool needs.
setlocal
set "HERE=%~dp0"
call "%HERE%tools\chuan-bi.bat"
if errorlevel 1 goto fail
"%HERE%.venv\Scripts\python.exe" "%HERE%build_docs.py" trang %*
if errorlevel 1 goto fail
exit /b 0

:fail
echo.
echo Co loi, doc thong bao phia tren. Bam phim bat ky de dong cua so.
pause >nul
exit /b 1
