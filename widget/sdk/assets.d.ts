// Vite turns `import './styles/x.css'` into style.css; TypeScript only needs to know it is a module.
declare module '*.css';
